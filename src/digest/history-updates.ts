// Turns one stored change of a monitor into the history writes that digests read. Pure: the
// recorder stores what this returns.

import { nextRunAfter } from '../domain/schedule.js';
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
  /**
   * The monitor's `createdBy`: a user id, or `ping` when its first ping created it. Null in
   * entries written before this field existed.
   */
  createdBy: string | null;
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
  firstPing(change, write);
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

/**
 * Returns the expected time of the next run that the open missed or failed incident has not
 * counted yet, or null in other states. `startedAt` is the start of the run that reports, or
 * null when it sent no start ping.
 */
function nextUncountedRun(before: Monitor, startedAt: number | null): number | null {
  const { schedule, incident } = before;
  if (incident === null) return null;
  if (before.state === 'failed') {
    // The state machine expects the next run one period, or one cron run, after each failing
    // ping, retries included.
    if (incident.failedAt === null) return before.expectedAt;
    return nextRunAfter(schedule, incident.failedAt);
  }
  if (before.state !== 'missed') return null;
  if (startedAt === null) return before.expectedAt;
  // The start ping moved the monitor's expected time, so the run after the last missed one
  // comes from the incident instead. Its deadline had not passed when the run started, or the
  // incident would have counted it as missed, so it is the first cron run at most a grace
  // period before the start.
  if (schedule.kind === 'interval') {
    // NOTE: a fresh window after Drumbeat's own downtime makes the next expected time later
    // than this, so a rerun can still be counted then.
    if (incident.expectedAt === null) return null;
    return incident.expectedAt + incident.missedRuns * schedule.periodSeconds * 1000;
  }
  return nextRunAfter(schedule, startedAt - before.graceMs - 1);
}

/**
 * Returns whether a run belongs to an expected time that no count covers yet. After a missed or
 * failed run, a rerun or a retry that begins more than a grace period before the next expected
 * time repeats a run that is counted already.
 */
function isUncountedRun(before: Monitor, startedAt: number | null, now: number): boolean {
  const next = nextUncountedRun(before, startedAt);
  return next === null || (startedAt ?? now) >= next - before.graceMs;
}

function runOutcomes(change: StoredChange, write: HistoryWrite): void {
  const { before, after, event, transition, now } = change;
  const durationMs = transition.pingDurationMs;
  if (event.type === 'ping' && (event.ping.kind === 'success' || event.ping.kind === 'fail')) {
    const runAtMs = runTime(before, now, durationMs);
    if (durationMs !== null) write.samples.push({ runAtMs, durationMs });
    // The finish of a hung run adds nothing, because that run is counted as hung already.
    if (before.state === 'hung' && durationMs !== null) return;
    const startedAt = durationMs === null ? null : now - durationMs;
    if (!isUncountedRun(before, startedAt, now)) return;
    if (event.ping.kind === 'fail') add(write, runAtMs, 'failures');
    else if (before.state === 'late') add(write, before.incident?.expectedAt ?? now, 'late');
    else add(write, runAtMs, 'successes');
    return;
  }
  if (event.type === 'deadline') {
    // A late run is not counted until it reports (late) or the next deadline passes (missed).
    // A deadline that only gave the monitor a fresh window after Drumbeat's own downtime
    // leaves the incident's missed runs as they were, and counts nothing.
    const missedBefore = before.incident?.missedRuns ?? 0;
    const missedAfter = after.incident?.missedRuns ?? 0;
    if (after.state === 'missed' && missedAfter > missedBefore) {
      if (before.state === 'late') add(write, before.incident?.expectedAt ?? now, 'missed');
      add(write, before.expectedAt ?? now, 'missed');
    } else if (after.state === 'hung') {
      const runningSince = after.incident?.runningSince ?? now;
      if (isUncountedRun(before, runningSince, now)) add(write, runningSince, 'hung');
    }
    return;
  }
  // Pausing a late monitor gives up on the run it waited for.
  if (event.type === 'pause' && before.state === 'late') {
    add(write, before.incident?.expectedAt ?? now, 'missed');
  }
}

/**
 * Stores the time of the monitor's first ping, from which digests count its expected runs. The
 * monitor record keeps only the last ping, and the ping list only the latest ones.
 */
function firstPing(change: StoredChange, write: HistoryWrite): void {
  const { before, after } = change;
  if (before.lastPingAt !== null || after.lastPingAt === null) return;
  write.counters.push({
    atMs: after.lastPingAt,
    counter: 'firstPingAt',
    value: after.lastPingAt,
    op: 'max',
  });
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
    createdBy: after.createdBy,
  };
}
