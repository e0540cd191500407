import { type CronExpression, parseCronExpression } from '../../src/domain/cron.js';
import { wallTimeAt } from '../../src/domain/local-time.js';

// An independent model of Debian cron's main loop, used as the reference for the evaluator. It
// wakes up every real minute and compares the wall clock with the previous one, as cron.c does:
// - one minute later: every job that matches the wall time runs;
// - more than a minute later (a gap): jobs with fixed times run for each skipped wall minute,
//   all at the real minute after the gap, then every job for the current wall minute;
// - not later (clocks went back): until the wall clock passes the latest minute it showed,
//   only jobs whose minute or hour field starts with * run.
// It walks minute by minute, so it is only for short windows in tests.

const MINUTE_MS = 60_000;
const WARM_UP_MS = 6 * 3_600_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Matches one wall minute against the fields, written from the crontab(5) rules. */
function matches(cron: CronExpression, wallMs: number): boolean {
  const date = new Date(wallMs);
  const day = date.getUTCDate();
  const weekday = date.getUTCDay();
  const length = daysInMonth(date.getUTCFullYear(), date.getUTCMonth() + 1);
  if (!cron.minutes.includes(date.getUTCMinutes()) || !cron.hours.includes(date.getUTCHours())) {
    return false;
  }
  if (!cron.months.has(date.getUTCMonth() + 1)) return false;
  const dom = cron.dayOfMonth.values.has(day) || (cron.dayOfMonth.last && day === length);
  const dow =
    cron.dayOfWeek.values.has(weekday) ||
    (cron.dayOfWeek.lastWeekdays.has(weekday) && day > length - 7) ||
    cron.dayOfWeek.nthWeekdays.has(weekday * 10 + Math.floor((day - 1) / 7) + 1);
  const [, , domText, , dowText] = cron.fields;
  const both = domText!.startsWith('*') || dowText!.startsWith('*');
  return both ? dom && dow : dom || dow;
}

/** Lists the instants in (fromMs, toMs] at which Debian cron would start the job. */
export function simulateDebianCron(
  expression: string,
  timezone: string,
  fromMs: number,
  toMs: number,
): number[] {
  const cron = parseCronExpression(expression);
  const [minuteText, hourText] = cron.fields;
  const realTime = minuteText!.startsWith('*') || hourText!.startsWith('*');
  const runs: number[] = [];
  // The daemon is taken to have run for a while before fromMs, so that it remembers the first
  // pass of a repeated hour that began earlier.
  const start = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS - WARM_UP_MS;
  let latestWall = wallTimeAt(timezone, start);
  for (let instant = start + MINUTE_MS; instant <= toMs; instant += MINUTE_MS) {
    const wall = wallTimeAt(timezone, instant);
    let runsNow = false;
    if (wall > latestWall + MINUTE_MS && !realTime) {
      for (let skipped = latestWall + MINUTE_MS; skipped < wall; skipped += MINUTE_MS) {
        if (matches(cron, skipped)) runsNow = true;
      }
    }
    const caughtUp = wall > latestWall;
    if ((caughtUp || realTime) && matches(cron, wall)) runsNow = true;
    if (runsNow && instant > fromMs) runs.push(instant);
    latestWall = Math.max(latestWall, wall);
  }
  return runs;
}
