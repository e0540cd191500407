// Half-open time intervals [startMs, endMs), and the time a monitor was watched in a period.

import type { Monitor } from '../domain/types.js';
import type { ChangeEntry } from './history-updates.js';

export interface Interval {
  startMs: number;
  endMs: number;
}

/**
 * Rebuilds when a monitor was paused from its pause and resume entries, oldest first. A resume
 * with no pause before it closes a pause that began before the history does, and a monitor that
 * is paused now with no open pause in the entries has been paused since `pausedAt`.
 */
export function pausedIntervals(
  monitor: Pick<Monitor, 'state' | 'pausedAt'>,
  changes: ChangeEntry[],
): Interval[] {
  const intervals: Interval[] = [];
  let openedAt: number | null = null;
  let sawAny = false;
  for (const entry of changes) {
    if (entry.kind === 'paused' && openedAt === null) {
      openedAt = entry.atMs;
      sawAny = true;
    } else if (entry.kind === 'resumed') {
      if (openedAt !== null || !sawAny) {
        intervals.push({ startMs: openedAt ?? Number.NEGATIVE_INFINITY, endMs: entry.atMs });
      }
      openedAt = null;
      sawAny = true;
    }
  }
  if (openedAt !== null) {
    intervals.push({ startMs: openedAt, endMs: Number.POSITIVE_INFINITY });
  } else if (monitor.state === 'paused') {
    const startMs = monitor.pausedAt ?? Number.NEGATIVE_INFINITY;
    intervals.push({ startMs, endMs: Number.POSITIVE_INFINITY });
  }
  return intervals;
}

/** Removes the `holes` from `range`, returning what is left in time order. */
export function subtractIntervals(range: Interval, holes: Interval[]): Interval[] {
  const sorted = [...holes].sort((a, b) => a.startMs - b.startMs);
  const result: Interval[] = [];
  let cursor = range.startMs;
  for (const hole of sorted) {
    if (hole.endMs <= cursor || hole.startMs >= range.endMs) continue;
    if (hole.startMs > cursor) result.push({ startMs: cursor, endMs: hole.startMs });
    cursor = Math.max(cursor, hole.endMs);
    if (cursor >= range.endMs) break;
  }
  if (cursor < range.endMs) result.push({ startMs: cursor, endMs: range.endMs });
  return result;
}

export function totalMs(intervals: Interval[]): number {
  return intervals.reduce((sum, interval) => sum + (interval.endMs - interval.startMs), 0);
}

/** Milliseconds of `range` that the intervals cover; the intervals must not overlap. */
export function overlapMs(range: Interval, intervals: Interval[]): number {
  let sum = 0;
  for (const interval of intervals) {
    const start = Math.max(range.startMs, interval.startMs);
    const end = Math.min(range.endMs, interval.endMs);
    if (end > start) sum += end - start;
  }
  return sum;
}
