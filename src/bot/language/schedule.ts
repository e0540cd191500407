import { nextCronRun } from '../../domain/cron.js';
import { formatDuration } from '../../domain/durations.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/types.js';
import { unitLetter, unitMs } from './duration.js';
import { assertTimezone } from './timezone.js';
import type { LanguageContext, ParsedSchedule } from './types.js';

export const MIN_PERIOD_SECONDS = 1;
export const MAX_PERIOD_SECONDS = 366 * 86_400;

const SCHEDULE_EXAMPLE = 'every 15 minutes, or cron "0 3 * * 1-5" tz Europe/Berlin';

export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'interval') {
    return `every ${formatDuration(schedule.periodSeconds * 1000)}`;
  }
  return `cron "${schedule.expression}" in ${schedule.timezone}`;
}

function parseInterval(source: string): Schedule | null {
  const match = /^every\s+(\d+)?\s*([a-z]+)$/.exec(source);
  if (!match) return null;
  const letter = unitLetter(match[2]!);
  if (letter === null) return null;
  const periodSeconds = (Number(match[1] ?? 1) * unitMs(letter)) / 1000;
  if (periodSeconds < MIN_PERIOD_SECONDS || periodSeconds > MAX_PERIOD_SECONDS) {
    throw new DrumbeatError(
      'schedule_invalid',
      `A period must be between 1 second and 366 days, and "${source}" is not.`,
      'every 10 seconds',
    );
  }
  return { kind: 'interval', periodSeconds };
}

function parseCron(source: string, ctx: LanguageContext): Schedule | null {
  const match = /^cron\s+"([^"]*)"(?:\s+tz\s+(\S+))?$/.exec(source);
  if (!match) return null;
  const expression = match[1]!.trim().replace(/\s+/g, ' ');
  const timezone = match[2] ? assertTimezone(match[2]) : ctx.timezone;
  if (expression.split(' ').length !== 5) {
    throw new DrumbeatError(
      'schedule_invalid',
      `A cron expression has five fields (minute hour day month weekday), and "${expression}" does not.`,
      'cron "0 3 * * 1-5"',
    );
  }
  try {
    nextCronRun(expression, timezone, ctx.now);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DrumbeatError(
      'schedule_invalid',
      `The cron expression "${expression}" is invalid: ${reason}.`,
      'cron "0 3 * * 1-5"',
    );
  }
  return { kind: 'cron', expression, timezone };
}

/** Parses a schedule: `every N seconds|minutes|hours|days`, or `cron "<expr>" [tz <zone>]`. */
export function parseSchedule(text: string, ctx: LanguageContext): ParsedSchedule {
  const source = text.trim().replace(/\s+/g, ' ');
  const lower = source.toLowerCase();
  const schedule = parseInterval(lower) ?? parseCron(source, ctx);
  if (!schedule) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${source}" is not a schedule I understand.`,
      SCHEDULE_EXAMPLE,
    );
  }
  return { schedule, description: describeSchedule(schedule), warnings: [] };
}
