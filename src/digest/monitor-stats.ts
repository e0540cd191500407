// The numbers of one monitor over one period, computed from its history and schedule alone.

import type { Monitor } from '../domain/types.js';
import { expectedRuns } from './expected-runs.js';
import { type CellSource, type GridRow, gridRow, sumSlots } from './grid.js';
import type { MonitorHistory } from './history-store.js';
import type { ChangeEntry } from './history-updates.js';
import {
  type Interval,
  overlapMs,
  pausedIntervals,
  subtractIntervals,
  totalMs,
} from './intervals.js';
import type { DigestPeriod } from './periods.js';
import { type SlotCounters, slotStart } from './slots.js';

export interface MonitorDigestInput {
  monitor: Monitor;
  /** The history over the period, or over a longer range that contains it. */
  history: MonitorHistory;
  /** The monitor's own change entries over the whole retention, oldest first. */
  changes: ChangeEntry[];
}

export interface MonitorStats {
  monitorId: string;
  name: string;
  /** No ping has ever come, so no run is expected yet. */
  waitingForFirstPing: boolean;
  /**
   * Runs the schedule expects from the monitor's first ping on while it was not paused, or the
   * failed, missed, late and hung runs when they are more (see `fitRunCounts`).
   */
  expectedRuns: number;
  /**
   * Expected runs that succeeded on time. This and the four counts after it add up to at most
   * the expected runs.
   */
  successes: number;
  failures: number;
  missed: number;
  late: number;
  hung: number;
  /** Successes over expected runs, or null when no run was expected. */
  onTimeShare: number | null;
  /**
   * The share of watched time (from the first ping on, outside pauses) outside incidents, or
   * null when it was not watched at all.
   */
  uptimeShare: number | null;
  medianRunMs: number | null;
  p95RunMs: number | null;
  incidents: number;
  /** Incidents of the period that are still open now: 0 or 1. */
  openIncidents: number;
  /** Incidents of the period that a ping closed (recovered or ran late). */
  recoveredIncidents: number;
  meanAcknowledgeMs: number | null;
  meanRecoverMs: number | null;
  longestOutageMs: number | null;
  row: GridRow;
}

/** Returns the value at a percentile by the nearest-rank method, or null for no values. */
export function nearestRank(sortedValues: number[], percentile: number): number | null {
  if (sortedValues.length === 0) return null;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sortedValues.length));
  return sortedValues[rank - 1] ?? null;
}

function mean(totalValue: number, count: number): number | null {
  return count > 0 ? Math.round(totalValue / count) : null;
}

const OUTCOMES: (keyof SlotCounters)[] = [
  'successes',
  'failures',
  'late',
  'missed',
  'hung',
  'incidents',
];

/**
 * Returns when the monitor's first ping came, or null when none has. The history stores that
 * time (`firstPingAt`), except for monitors whose first ping predates that counter. For those
 * it takes the start of the earliest slot with a run or an incident, when the history reaches
 * back to the monitor's creation and so to its first ping, and the creation time otherwise.
 */
export function firstPingTime(monitor: Monitor, history: MonitorHistory): number | null {
  if (monitor.lastPingAt === null) return null;
  let earliestOutcome = Number.POSITIVE_INFINITY;
  for (const [startMs, counters] of history.slots) {
    if (counters.firstPingAt > 0) return counters.firstPingAt;
    if (OUTCOMES.some((name) => counters[name] > 0)) {
      earliestOutcome = Math.min(earliestOutcome, startMs);
    }
  }
  // NOTE: without the stored time, a first ping that counted no run (a start ping whose run
  // is still going) leaves no outcome, so such a monitor is still counted from its creation.
  if (monitor.createdAt < history.fromMs || earliestOutcome === Number.POSITIVE_INFINITY) {
    return monitor.createdAt;
  }
  return Math.max(monitor.createdAt, slotStart(earliestOutcome));
}

function openIncidentInterval(monitor: Monitor, nowMs: number): Interval | null {
  const open = monitor.incident;
  return open === null ? null : { startMs: open.openedAt, endMs: nowMs };
}

type RunCounts = Pick<
  MonitorStats,
  'expectedRuns' | 'successes' | 'failures' | 'missed' | 'late' | 'hung'
>;

/**
 * Fits the run counts and the expected runs together, so that each expected run is counted
 * once. The history can hold more runs than the schedule expects: the first ping that starts
 * an interval schedule, a job that pings more often than its schedule, or a manual run on an
 * idle day. Failed, missed, late and hung runs all count, because each of them is part of an
 * incident. When they outnumber the scheduled runs, as after a failing test run of a new
 * monitor, the expected runs are raised to them. On-time runs fill the expected runs that are
 * left.
 */
export function fitRunCounts(counts: RunCounts): RunCounts {
  const problems = counts.failures + counts.missed + counts.late + counts.hung;
  const expectedRuns = Math.max(counts.expectedRuns, problems);
  const successes = Math.min(counts.successes, expectedRuns - problems);
  return { ...counts, expectedRuns, successes };
}

/**
 * Counts a run that is late and still waiting for its ping. It counts as late, as its alert
 * reports, until its ping comes or the next deadline passes and makes it missed.
 */
function pendingLate(monitor: Monitor, period: DigestPeriod): number {
  const expectedAt = monitor.incident?.expectedAt ?? null;
  if (monitor.state !== 'late' || expectedAt === null) return 0;
  return expectedAt >= period.startMs && expectedAt < period.endMs ? 1 : 0;
}

function longestOutage(
  closedMaxMs: number,
  open: Interval | null,
  period: DigestPeriod,
  incidents: number,
): number | null {
  let longest = closedMaxMs;
  if (open !== null && open.startMs < period.endMs && open.endMs > period.startMs) {
    longest = Math.max(longest, open.endMs - open.startMs);
  }
  return longest > 0 || incidents > 0 ? longest : null;
}

/** Returns the parts of `lifetime` from `fromMs` on that are outside pauses, or none for null. */
function watchedIntervals(lifetime: Interval, fromMs: number | null, paused: Interval[]) {
  if (fromMs === null) return [];
  const range = { startMs: Math.max(lifetime.startMs, fromMs), endMs: lifetime.endMs };
  return range.endMs > range.startMs ? subtractIntervals(range, paused) : [];
}

/**
 * Counts the monitor's open incident when it opened in the period, as the history counts
 * incidents, but never beyond the incidents the history counted.
 */
function openIncidentsIn(monitor: Monitor, period: DigestPeriod, incidents: number): number {
  const openedAt = monitor.incident?.openedAt ?? null;
  if (openedAt === null || openedAt < period.startMs || openedAt >= period.endMs) return 0;
  return Math.min(1, incidents);
}

/** Computes a monitor's numbers for `period` as of `nowMs`. */
export function monitorStats(
  input: MonitorDigestInput,
  period: DigestPeriod,
  nowMs: number,
): MonitorStats {
  const { monitor, history } = input;
  const lifetime = {
    startMs: Math.max(period.startMs, monitor.createdAt),
    endMs: Math.min(period.endMs, nowMs),
  };
  const paused = pausedIntervals(
    monitor,
    input.changes.filter((c) => c.monitorId === monitor.id),
  );
  // A monitor cannot alert before its first ping, so uptime is watched, and runs are expected,
  // from that ping on.
  const firstPingAt = firstPingTime(monitor, history);
  const waitingForFirstPing = firstPingAt === null;
  const watched = watchedIntervals(lifetime, firstPingAt, paused);
  // A cron run expected at most a grace period before the first ping is the run that ping
  // reports, as with every later ping, so it is expected too. An interval schedule starts at
  // the first ping.
  const leadMs = monitor.schedule.kind === 'cron' ? monitor.graceMs : 0;
  const runsWatched = watchedIntervals(
    lifetime,
    firstPingAt === null ? null : firstPingAt - leadMs,
    paused,
  );
  const counters = sumSlots(history, { startMs: period.startMs, endMs: period.endMs });
  const open = openIncidentInterval(monitor, nowMs);

  const watchedMs = totalMs(watched);
  const downMs = counters.downMs + (open === null ? 0 : overlapMs(lifetime, [open]));
  const durations = history.samples
    .filter((s) => s.runAtMs >= period.startMs && s.runAtMs < period.endMs)
    .map((s) => s.durationMs)
    .sort((a, b) => a - b);
  const source: CellSource = { history, lifetime, paused, openIncident: open };
  const runs = fitRunCounts({
    expectedRuns: waitingForFirstPing ? 0 : expectedRuns(monitor.schedule, runsWatched),
    successes: counters.successes,
    failures: counters.failures,
    missed: counters.missed,
    late: counters.late + pendingLate(monitor, period),
    hung: counters.hung,
  });

  return {
    monitorId: monitor.id,
    name: monitor.name,
    waitingForFirstPing,
    ...runs,
    onTimeShare: runs.expectedRuns > 0 ? runs.successes / runs.expectedRuns : null,
    uptimeShare: watchedMs > 0 ? Math.max(0, 1 - downMs / watchedMs) : null,
    medianRunMs: nearestRank(durations, 50),
    p95RunMs: nearestRank(durations, 95),
    incidents: counters.incidents,
    openIncidents: openIncidentsIn(monitor, period, counters.incidents),
    recoveredIncidents: counters.recovered,
    meanAcknowledgeMs: mean(counters.acknowledgeMs, counters.acknowledged),
    meanRecoverMs: mean(counters.recoverMs, counters.recovered),
    longestOutageMs: longestOutage(counters.longestOutageMs, open, period, counters.incidents),
    row: gridRow(monitor, period, source),
  };
}

/** Whether anything went wrong for the monitor in the period. */
export function hadTrouble(stats: MonitorStats): boolean {
  return stats.failures + stats.missed + stats.late + stats.hung + stats.incidents > 0;
}
