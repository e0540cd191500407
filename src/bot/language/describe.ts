import { parseCronExpression } from '../../domain/cron.js';
import type { Schedule } from '../../domain/types.js';
import { describeCron } from './cron-describe.js';

const INTERVAL_UNITS: [number, string][] = [
  [604_800, 'week'],
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** Describes a period in the largest unit that divides it: `every 90 minutes`, `every week`. */
export function describeInterval(periodSeconds: number): string {
  for (const [size, unit] of INTERVAL_UNITS) {
    if (periodSeconds % size === 0) {
      const count = periodSeconds / size;
      return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
    }
  }
  return `every ${periodSeconds} seconds`;
}

/** Describes a schedule in plain words; a cron schedule ends with its zone in brackets. */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'interval') return describeInterval(schedule.periodSeconds);
  return `${describeCron(parseCronExpression(schedule.expression))} (${schedule.timezone})`;
}
