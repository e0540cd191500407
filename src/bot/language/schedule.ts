import { parseCronExpression } from '../../domain/cron.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/types.js';
import { buildSchedule } from './build.js';
import { readExcept, readMonthDays, readMonths, readWeekdays } from './clauses-days.js';
import { readPeriod } from './clauses-period.js';
import { readStartOrWindow, readTimes, readZone } from './clauses-time.js';
import { readCronText } from './cron-text.js';
import { cronWarnings } from './cron-warnings.js';
import { describeSchedule } from './describe.js';
import { emptyParts, isUnreadableText, type ScheduleParts, unreadableText } from './parts.js';
import { suggestCorrection } from './suggest.js';
import { assertTimezone } from './timezone.js';
import { Cursor, straightenQuotes, tokenize } from './tokens.js';
import type { LanguageContext, ParsedSchedule } from './types.js';

export { MAX_PERIOD_SECONDS, MIN_PERIOD_SECONDS } from './build.js';
export { describeSchedule } from './describe.js';

type ClauseReader = (cursor: Cursor, parts: ScheduleParts) => boolean;

// Order matters where two clauses start with the same word: `in january` is a month before
// `in Berlin` is a zone, `every monday` is a weekday before `every` is a period.
const CLAUSES: readonly ClauseReader[] = [
  readMonths,
  readZone,
  readMonthDays,
  readWeekdays,
  readExcept,
  readPeriod,
  readStartOrWindow,
  readTimes,
];

function closestExample(source: string): string {
  const lower = source.toLowerCase();
  if (/\bcron\b|\*/.test(lower)) return 'cron "0 3 * * 1-5"';
  if (/(mon|tue|wed|thu|fri|sat|sun)|week/.test(lower)) return 'every monday at 9am';
  if (/month|\d(st|nd|rd|th)\b/.test(lower)) return 'on the 1st of every month at 6am';
  if (/\bat\b|\d(am|pm)|:\d\d|noon|midnight/.test(lower)) return 'every day at 2am';
  return 'every 15 minutes, or every day at 2am';
}

function readClauses(cursor: Cursor, parts: ScheduleParts, readers: readonly ClauseReader[]): void {
  while (!cursor.done) {
    if (cursor.peek() === 'and' && cursor.index > 0) {
      cursor.next();
      continue;
    }
    if (!readers.some((read) => read(cursor, parts))) {
      const rest = cursor.rest();
      const whole = cursor.rest(0);
      throw unreadableText(
        rest === whole
          ? `"${whole}" is not a schedule Drumbeat understands.`
          : `Drumbeat could not read "${rest}" in "${whole}".`,
        closestExample(whole),
      );
    }
  }
}

function parseCronSchedule(
  cursor: Cursor,
  expression: string,
  ctx: LanguageContext,
): ParsedSchedule {
  const parts = emptyParts();
  readClauses(cursor, parts, [readZone]);
  const cron = parseCronExpression(expression);
  const timezone = parts.zone?.zone ?? ctx.timezone;
  const schedule: Schedule = { kind: 'cron', expression: cron.source, timezone };
  const warnings = [parts.zone?.note, ...cronWarnings(cron, timezone, ctx.now)].filter(
    (warning) => warning != null,
  );
  return { schedule, description: describeSchedule(schedule), warnings };
}

function parsePhrase(source: string, ctx: LanguageContext): ParsedSchedule {
  const cursor = new Cursor(tokenize(source), source);
  const expression = readCronText(cursor);
  if (expression !== null) return parseCronSchedule(cursor, expression, ctx);
  const parts = emptyParts();
  readClauses(cursor, parts, CLAUSES);
  const { schedule, warnings } = buildSchedule(parts, ctx.timezone);
  if (schedule.kind === 'cron') {
    warnings.push(
      ...cronWarnings(parseCronExpression(schedule.expression), schedule.timezone, ctx.now),
    );
  }
  return { schedule, description: describeSchedule(schedule), warnings };
}

/**
 * Parses a schedule as people type it: an interval (`every 15 minutes`), times of day and days
 * (`every weekday at 9:30am`, `on the 1st of every month at 6am`), or cron (`cron "0 3 * * 1-5"`,
 * `@daily`, a bare expression), with an optional zone (`tz Europe/Berlin`, `9am PT`). Times of
 * day are read in `ctx.timezone` unless the text names a zone.
 *
 * Throws `schedule_invalid` (or `timezone_invalid`) with a message that quotes the part that
 * failed and an `example` of the closest form that works.
 */
export function parseSchedule(text: string, ctx: LanguageContext): ParsedSchedule {
  const source = straightenQuotes(text.trim().replace(/\s+/g, ' '));
  if (source === '') {
    throw new DrumbeatError('schedule_invalid', 'The schedule is missing.', 'every 15 minutes');
  }
  const context = { ...ctx, timezone: assertTimezone(ctx.timezone) };
  try {
    return parsePhrase(source, context);
  } catch (error) {
    if (!isUnreadableText(error)) throw error;
    const works = (candidate: string) => {
      try {
        parsePhrase(candidate, context);
        return true;
      } catch {
        return false;
      }
    };
    const suggestion = suggestCorrection(source, tokenize(source), works);
    if (suggestion === null) throw error;
    throw new DrumbeatError(
      'schedule_invalid',
      `${error.message} Did you mean "${suggestion}"?`,
      suggestion,
    );
  }
}
