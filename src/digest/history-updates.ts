// Turns one stored change of a monitor into the history writes that digests read. Pure: the
// recorder stores what this returns.

import type { Incident, Monitor } from '../domain/types.js';
import type { StoredChange } from '../scheduler/monitor-events.js';
import { type CounterName, HISTORY_RETENTION_MS, SLOT_MS, slotStart } from './slots.js';

export interface CounterUpdate {
  /** The time the count is about; it lands in that time's slot. */
  atMs: number;
  counter: CounterName;
  value: number;
  op: 'add' | 'max';
}

export interface RunSample {
  /** When the run started. */
  runAtMs: number;
  durationMs: number;
}

export const CHANGE_KINDS = ['paused', 'resumed', 'silenced', 'unsilenced', 'deleted'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A change that a digest lists under "what changed". */
export interface ChangeEntry {
  atMs: number;
  kind: ChangeKind;
  monitorId: string;
  name: string;
  channelId: string;
  /** The user who made it, or null when a ping resumed a paused monitor. */
  by: string | null;
  /** The end of a silence. */
  untilMs: number | null;
  createdAtMs: number;
}

export interface HistoryWrite {
  counters: CounterUpdate[];
  samples: RunSample[];
  changes: ChangeEntry[];
}

/** Builds the history writes for one change that `MonitorEvents.apply` stored. */
export function historyWrite(change: StoredChange): HistoryWrite {
  const write: HistoryWrite = { counters: [], samples: [], changes: [] };
  runOutcomes(change, write);
  incidentCounters(change, write);
  const entry = changeEntry(change);
  if (entry !== null) write.changes.push(entry);
  return write;
}

function add(write: HistoryWrite, atMs: number, counter: CounterName, value = 1): void {
  write.counters.push({ atMs, counter, value, op: 'add' });
}

/**
 * The time a finished run is counted at: its start when it sent one, else the expected time it
 * answered when it came within the grace period after it, else the ping's own time. So a daily
 * run expected at 23:59 on Sunday that reports at 00:01 counts for Sunday.
 */
function runTime(before: Monitor, now: number, durationMs: number | null): number {
  if (durationMs !== null) return now - durationMs;
  const watched = ['up', 'late', 'missed', 'failed'].includes(before.state);
  const expectedAt = watched ? before.expectedAt : null;
  if (expectedAt !== null && expectedAt <= now && now - expectedAt <= before.graceMs) {
    return expectedAt;
  }
  return now;
}

function runOutcomes(change: StoredChange, write: HistoryWrite): void {
  const { before, after, event, transition, now } = change;
  const durationMs = transition.pingDurationMs;
  if (event.type === 'ping' && (event.ping.kind === 'success' || event.ping.kind === 'fail')) {
    const runAtMs = runTime(before, now, durationMs);
    if (durationMs !== null) write.samples.push({ runAtMs, durationMs });
    if (event.ping.kind === 'fail') add(write, runAtMs, 'failures');
    else if (before.state === 'late') add(write, before.incident?.expectedAt ?? now, 'late');
    // The finish of a hung run: that run is counted as hung already.
    else if (before.state !== 'hung' || durationMs === null) add(write, runAtMs, 'successes');
    return;
  }
  if (event.type === 'deadline') {
    // A late run is not counted until it reports (late) or the next deadline passes (missed).
    if (after.state === 'missed' && before.state === 'late') {
      add(write, before.incident?.expectedAt ?? now, 'missed');
      add(write, before.expectedAt ?? now, 'missed');
    } else if (after.state === 'missed' && before.state === 'missed') {
      add(write, before.expectedAt ?? now, 'missed');
    } else if (after.state === 'hung') {
      add(write, after.incident?.runningSince ?? now, 'hung');
    }
    return;
  }
  // Pausing a late monitor gives up on the run it waited for.
  if (event.type === 'pause' && before.state === 'late') {
    add(write, before.incident?.expectedAt ?? now, 'missed');
  }
}

function incidentCounters(change: StoredChange, write: HistoryWrite): void {
  const { before, after, event, transition, now } = change;
  const opened = after.incident;
  if (opened !== null && opened.id !== before.incident?.id) {
    add(write, opened.openedAt, 'incidents');
  }
  if (event.type === 'acknowledge' && opened?.acknowledgedAt != null) {
    add(write, opened.openedAt, 'acknowledged');
    add(write, opened.openedAt, 'acknowledgeMs', opened.acknowledgedAt - opened.openedAt);
  }
  for (const effect of transition.effects) {
    if (effect.type === 'archive_incident') closedIncident(effect.incident, now, write);
  }
}

function closedIncident(incident: Incident, now: number, write: HistoryWrite): void {
  const closedAt = incident.closedAt ?? now;
  const lastingMs = closedAt - incident.openedAt;
  write.counters.push({
    atMs: incident.openedAt,
    counter: 'longestOutageMs',
    value: lastingMs,
    op: 'max',
  });
  if (incident.closeReason === 'recovered' || incident.closeReason === 'ran_late') {
    add(write, incident.openedAt, 'recovered');
    add(write, incident.openedAt, 'recoverMs', lastingMs);
  }
  // Slots older than the retention have expired, so the spread starts no earlier than that.
  let cursor = Math.max(incident.openedAt, now - HISTORY_RETENTION_MS);
  while (cursor < closedAt) {
    const end = Math.min(slotStart(cursor) + SLOT_MS, closedAt);
    add(write, cursor, 'downMs', end - cursor);
    cursor = end;
  }
}

/** Returns the entry a change adds to its team's change log, or null when it adds none. */
export function changeEntry(change: StoredChange): ChangeEntry | null {
  const { before, after, event, transition, now } = change;
  let kind: ChangeKind;
  let by: string | null;
  if (event.type === 'delete') {
    kind = 'deleted';
    by = event.by;
  } else if (!transition.changed) {
    return null;
  } else if (event.type === 'pause') {
    kind = 'paused';
    by = event.by;
  } else if (event.type === 'resume') {
    kind = 'resumed';
    by = event.by;
  } else if (event.type === 'unsilence') {
    kind = 'unsilenced';
    by = event.by;
  } else if (event.type === 'silence') {
    kind = 'silenced';
    by = event.by;
  } else if (event.type === 'ping' && before.state === 'paused' && after.state !== 'paused') {
    kind = 'resumed';
    by = null;
  } else {
    return null;
  }
  return {
    atMs: now,
    kind,
    monitorId: after.id,
    name: after.name,
    channelId: after.channelId,
    by,
    untilMs: event.type === 'silence' ? event.until : null,
    createdAtMs: after.createdAt,
  };
}
