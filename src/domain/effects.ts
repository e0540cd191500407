import type { Incident } from './types.js';

/** A follow-up posted in the thread of an incident's alert message. */
export type ThreadNote =
  | { kind: 'missed_again'; missedRuns: number }
  | {
      kind: 'failed_again';
      exitStatus: number | null;
      bodyExcerpt: string | null;
      /** True when the incident was late, missed or hung before, not failed. */
      firstFailure?: boolean;
    }
  | { kind: 'hung'; runningSince: number }
  | { kind: 'recovered'; afterMs: number }
  | { kind: 'ran_late'; lateByMs: number };

/**
 * What the caller of the state machine must do after storing the new monitor. Notifications
 * name the incident; the message itself is rendered from the stored incident when it is sent,
 * so a late delivery never shows an outdated state.
 */
export type Effect =
  /** Post the incident's alert message, or edit it in place when it was posted already. */
  | { type: 'sync_alert'; incident: Incident }
  | { type: 'thread_reply'; incident: Incident; note: ThreadNote; sequence: number }
  /** The incident ended; move it to the monitor's incident history. */
  | { type: 'archive_incident'; incident: Incident };
