import { nextCronRun } from './cron.js';
import type { Schedule } from './types.js';

/** Returns the first expected run strictly after `afterMs`. */
export function nextRunAfter(schedule: Schedule, afterMs: number): number {
  if (schedule.kind === 'interval') return afterMs + schedule.periodSeconds * 1000;
  return nextCronRun(schedule.expression, schedule.timezone, afterMs);
}

/** Returns the next `count` expected runs after `afterMs`. */
export function nextRuns(schedule: Schedule, afterMs: number, count: number): number[] {
  const runs: number[] = [];
  let cursor = afterMs;
  for (let i = 0; i < count; i++) {
    cursor = nextRunAfter(schedule, cursor);
    runs.push(cursor);
  }
  return runs;
}

/**
 * Returns the typical gap between runs in milliseconds: the period of an interval, or the
 * shortest gap among the next few cron runs.
 */
export function typicalPeriodMs(schedule: Schedule, fromMs: number): number {
  if (schedule.kind === 'interval') return schedule.periodSeconds * 1000;
  const runs = nextRuns(schedule, fromMs, 5);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) {
    shortest = Math.min(shortest, runs[i]! - runs[i - 1]!);
  }
  return shortest;
}
