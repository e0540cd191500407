// How many runs a schedule expects in the time a monitor was watched.

import {
  type CronExpression,
  cronMatchesDay,
  nextCronRun,
  parseCronExpression,
} from '../domain/cron.js';
import { offsetMsAt, wallTimeAt } from '../domain/local-time.js';
import type { Schedule } from '../domain/types.js';
import { type Interval, totalMs } from './intervals.js';
import { localDayStart, shiftLocalDays } from './periods.js';
import { DAY_MS } from './slots.js';

const parsed = new Map<string, CronExpression>();

function parsedCron(expression: string): CronExpression {
  let cron = parsed.get(expression);
  if (cron === undefined) {
    cron = parseCronExpression(expression);
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(expression, cron);
  }
  return cron;
}

function countByStepping(expression: string, timezone: string, fromMs: number, toMs: number) {
  let count = 0;
  for (let t = nextCronRun(expression, timezone, fromMs - 1); t < toMs; ) {
    count += 1;
    t = nextCronRun(expression, timezone, t);
  }
  return count;
}

/**
 * Counts the cron runs in [fromMs, toMs). A whole local day without a DST change has every
 * hour and minute of the expression once, so it is counted at once; partial days and days with
 * a change are stepped through run by run, which follows cron's rules for gaps and repeats.
 */
export function countCronRuns(
  expression: string,
  timezone: string,
  fromMs: number,
  toMs: number,
): number {
  const cron = parsedCron(expression);
  const runsPerDay = cron.hours.length * cron.minutes.length;
  let count = 0;
  for (let dayStart = localDayStart(timezone, fromMs); dayStart < toMs; ) {
    const next = shiftLocalDays(timezone, dayStart, 1);
    const whole = dayStart >= fromMs && next <= toMs;
    const steady =
      next - dayStart === DAY_MS &&
      offsetMsAt(timezone, dayStart) === offsetMsAt(timezone, next - 1);
    if (whole && steady) {
      const wallDay = Math.floor(wallTimeAt(timezone, dayStart) / DAY_MS) * DAY_MS;
      if (cronMatchesDay(cron, wallDay)) count += runsPerDay;
    } else {
      count += countByStepping(
        expression,
        timezone,
        Math.max(fromMs, dayStart),
        Math.min(toMs, next),
      );
    }
    dayStart = next;
  }
  return count;
}

/**
 * Counts the runs a schedule expects in the watched intervals. An interval schedule counts from
 * each ping, so it expects one run per full period of watched time, whichever way the time is
 * split by pauses.
 */
export function expectedRuns(schedule: Schedule, watched: Interval[]): number {
  if (schedule.kind === 'interval') {
    return Math.floor(totalMs(watched) / (schedule.periodSeconds * 1000));
  }
  let count = 0;
  for (const interval of watched) {
    count += countCronRuns(
      schedule.expression,
      schedule.timezone,
      interval.startMs,
      interval.endMs,
    );
  }
  return count;
}
