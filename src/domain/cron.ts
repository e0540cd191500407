import { CronExpressionParser } from 'cron-parser';

// TODO: replace with the Debian-cron-compatible evaluator (DST gaps, fall-back, Vixie AND).

/** Returns the first run of a five-field cron expression strictly after `afterMs`. */
export function nextCronRun(expression: string, timezone: string, afterMs: number): number {
  const interval = CronExpressionParser.parse(expression, {
    currentDate: new Date(afterMs),
    tz: timezone,
  });
  return interval.next().getTime();
}
