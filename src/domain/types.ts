// Core records of Drumbeat. Every time is epoch milliseconds in UTC; a time zone appears only
// inside a cron schedule and where a time is shown to a person.

export const PLATFORMS = ['slack', 'discord', 'cli'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const MONITOR_STATES = ['new', 'up', 'late', 'missed', 'failed', 'hung', 'paused'] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

/** The kinds of incident; each is also the monitor state while the incident is open. */
export const INCIDENT_KINDS = ['late', 'missed', 'failed', 'hung'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const PING_KINDS = ['success', 'start', 'fail', 'log'] as const;
export type PingKind = (typeof PING_KINDS)[number];

export type Schedule =
  | { kind: 'interval'; periodSeconds: number }
  | { kind: 'cron'; expression: string; timezone: string };

/** A run that sent `/start` and has not finished yet. */
export interface OpenRun {
  /** The `rid` query parameter of the start ping, or null when the job sent none. */
  rid: string | null;
  startedAt: number;
}

/** The reason an incident ended. */
export type IncidentCloseReason = 'recovered' | 'ran_late' | 'paused' | 'deleted';

export interface Incident {
  id: string;
  /** The kind it is now; a late incident becomes missed in place. */
  kind: IncidentKind;
  openedAt: number;
  /** The expected time of the first run that did not report (late and missed). */
  expectedAt: number | null;
  /** Runs that passed their deadline without a ping: 1 when late, 2 or more when missed. */
  missedRuns: number;
  /** The last ping before the incident opened, or null when there was none. */
  lastPingAt: number | null;
  /** Exit status of a failed run, when the job sent one. */
  exitStatus: number | null;
  /**
   * The alert's excerpt of the failing ping's body (see `outputExcerpt`). Records stored by
   * earlier versions hold the body's first 500 characters instead.
   */
  bodyExcerpt: string | null;
  /** When a hung run started. */
  runningSince: number | null;
  /** When the latest failing ping of a failed incident arrived; null before any failure. */
  failedAt: number | null;
  /**
   * Number of failing pings while the incident was open. Incidents stored before this field
   * existed read 0.
   */
  failures: number;
  /** How many times the job failed or hung again while this incident was open. */
  repeats: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  closedAt: number | null;
  closeReason: IncidentCloseReason | null;
  /** The user who closed it, for a pause or a delete from chat. */
  closedBy: string | null;
}

/** The check that a monitor's live deadline job makes when it fires. */
export type DeadlineKind = 'late' | 'missed' | 'hung';

export interface Monitor {
  id: string;
  /** The secret part of the ping URL, a random UUID v4. Never logged. */
  token: string;
  /** A team is a Slack workspace or a Discord guild, prefixed with its platform. */
  teamId: string;
  platform: Platform;
  /** Channel that receives the alerts. */
  channelId: string;
  /** Lowercase slug, unique within the team. */
  name: string;
  schedule: Schedule;
  graceMs: number;
  /** Maximum run time from `/start` to its finish; null means the grace period applies. */
  maxRuntimeMs: number | null;
  createdAt: number;
  createdBy: string;

  state: MonitorState;
  /** Bumped by every change, so a deadline job scheduled for an older generation does nothing. */
  generation: number;
  lastPingAt: number | null;
  lastSuccessAt: number | null;
  /** The next time a run is expected, or null while no deadline applies. */
  expectedAt: number | null;
  /** When the deadline passes: a ping at exactly this time is still on time. */
  dueAt: number | null;
  deadlineKind: DeadlineKind | null;
  openRuns: OpenRun[];
  silencedUntil: number | null;
  silencedBy: string | null;
  pausedAt: number | null;
  pausedBy: string | null;
  incident: Incident | null;
}

/** A ping as the ingest endpoint parsed it. */
export interface PingInput {
  kind: PingKind;
  exitStatus: number | null;
  rid: string | null;
  method: string;
  /** The end of the body, already cut to the stored limit. */
  body: string;
  /** Bytes cut from the start of the body, which were not stored. */
  bodyBytesCut: number;
  userAgent: string | null;
  remoteAddress: string | null;
}

export interface StoredPing {
  at: number;
  kind: PingKind;
  exitStatus: number | null;
  rid: string | null;
  method: string;
  body: string;
  bodyBytesCut: number;
  userAgent: string | null;
  remoteAddress: string | null;
  /** Run time, when this ping finished a run that sent `/start`. */
  durationMs: number | null;
  /**
   * Unique to this ping, so that a write of it that Redis receives twice finds itself in the
   * monitor's ping history. Null for pings stored before it existed.
   */
  id: string | null;
}
