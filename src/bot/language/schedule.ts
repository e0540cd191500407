import { parseCronExpression } from '../../domain/cron.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/types.js';
import { applyChange, keepParsing, type WordChange } from './alternatives.js';
import { buildSchedule } from './build.js';
import { readExcept, readMonthDays, readMonths, readWeekdays } from './clauses-days.js';
import { readPeriod } from './clauses-period.js';
import { readStartOrWindow, readTimes, readZone } from './clauses-time.js';
import { assertQuotesClosed, type CronText, readCronText } from './cron-text.js';
import { type CronWarning, cronWarnings } from './cron-warnings.js';
import { describeSchedule } from './describe.js';
import { withClippedErrors } from './echo.js';
import {
  emptyParts,
  examplesOf,
  isUnreadableText,
  type ScheduleParts,
  unreadableText,
  unreadFrom,
} from './parts.js';
import { type ClauseKind, ScheduleJoin } from './schedule-join.js';
import { suggestCorrection } from './suggest.js';
import { assertTimezone } from './timezone.js';
import { Cursor, straightenQuotes, type Token, tokenize } from './tokens.js';
import type { Alternative, LanguageContext, ParsedSchedule } from './types.js';

export { MAX_PERIOD_SECONDS, MIN_PERIOD_SECONDS } from './build.js';
export { describeSchedule } from './describe.js';

type ClauseReader = (cursor: Cursor, parts: ScheduleParts) => boolean;

const DAY_UNITS: readonly string[] = ['day', 'week', 'month', 'year'];

/** Returns the kind of the clause that `read` has just read, for ScheduleJoin. */
function clauseKind(read: ClauseReader, parts: ScheduleParts): ClauseKind {
  if (read === readTimes || read === readStartOrWindow) return 'time';
  if (read === readWeekdays || read === readMonthDays) return 'days';
  if (read === readPeriod && DAY_UNITS.includes(parts.period?.unit ?? '')) return 'days';
  return 'other';
}

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

function closestExamples(source: string): string[] {
  const lower = source.toLowerCase();
  if (/\bcron\b|\*/.test(lower)) return ['cron "0 3 * * 1-5"'];
  if (/(mon|tue|wed|thu|fri|sat|sun)|week/.test(lower)) return ['every monday at 9am'];
  if (/month|\d(st|nd|rd|th)\b/.test(lower)) return ['on the 1st of every month at 6am'];
  if (/\bat\b|\d(am|pm)|:\d\d|noon|midnight/.test(lower)) return ['every day at 2am'];
  return ['every 15 minutes', 'every day at 2am'];
}

function unreadableRest(cursor: Cursor): DrumbeatError {
  const rest = cursor.rest();
  const whole = cursor.rest(0);
  return unreadableText(
    rest === whole
      ? `"${whole}" is not a schedule Drumbeat understands.`
      : `Drumbeat could not read "${rest}" in "${whole}".`,
    closestExamples(whole),
    cursor.index,
  );
}

/** Reads one clause with the first reader that matches it; returns that reader, or null. */
function readClause(
  cursor: Cursor,
  parts: ScheduleParts,
  readers: readonly ClauseReader[],
  join: ScheduleJoin,
): ClauseReader | null {
  try {
    return readers.find((read) => read(cursor, parts)) ?? null;
  } catch (error) {
    throw join.explain(error);
  }
}

function readClauses(cursor: Cursor, parts: ScheduleParts, readers: readonly ClauseReader[]): void {
  const join = new ScheduleJoin(cursor);
  while (!cursor.done) {
    if (cursor.peek() === 'and' && cursor.index > 0) {
      join.noteAnd(cursor.index);
      cursor.next();
      continue;
    }
    const read = readClause(cursor, parts, readers, join);
    if (read === null) throw unreadableRest(cursor);
    join.noteClause(clauseKind(read, parts));
  }
}

/** Returns the whole texts that `changes` make of `source`, for those whose words it has. */
function changedTexts(source: string, changes: readonly WordChange[]): Alternative[] {
  return changes.flatMap((change) => applyChange(source, change) ?? []);
}

/** Returns the alternatives of cron warnings as whole texts, each followed by `after`. */
function cronAlternatives(warnings: CronWarning[], after: string): Alternative[] {
  return warnings.flatMap(({ alternative }) =>
    alternative === null ? [] : [{ ...alternative, text: `${alternative.text}${after}` }],
  );
}

function parseCronSchedule(cursor: Cursor, cronText: CronText, ctx: LanguageContext) {
  const parts = emptyParts();
  readClauses(cursor, parts, [readZone]);
  const cron = parseCronExpression(cronText.expression);
  const timezone = parts.zone?.zone ?? ctx.timezone;
  const schedule: Schedule = { kind: 'cron', expression: cron.source, timezone };
  const notes = cronWarnings(cron, timezone, ctx.now);
  const warnings = [parts.zone?.note, ...notes.map((note) => note.text)].filter(
    (warning) => warning != null,
  );
  // A warning's schedule takes the place of the cron text, and the zone after it stays.
  const alternatives = [
    ...changedTexts(cursor.source, parts.zone?.changes ?? []),
    ...cronAlternatives(notes, cursor.source.slice(cronText.end)),
  ];
  return { schedule, description: describeSchedule(schedule), warnings, alternatives };
}

/** Parses a schedule. Its alternatives are whole texts that have not been parsed yet. */
function parsePhrase(source: string, ctx: LanguageContext): ParsedSchedule {
  assertQuotesClosed(source);
  const cursor = new Cursor(tokenize(source), source);
  // Cron is found in the raw text: tokenize() reads the commas of `1,3,5` as `and`.
  const cronText = readCronText(source);
  if (cronText !== null) {
    cursor.skipTo(cronText.end);
    return parseCronSchedule(cursor, cronText, ctx);
  }
  const parts = emptyParts();
  readClauses(cursor, parts, CLAUSES);
  const { schedule, warnings, changes } = buildSchedule(parts, ctx.timezone);
  const alternatives = changedTexts(source, changes);
  if (schedule.kind === 'cron') {
    const expression = parseCronExpression(schedule.expression);
    const notes = cronWarnings(expression, schedule.timezone, ctx.now);
    warnings.push(...notes.map((note) => note.text));
    // A warning's schedule takes the place of the whole phrase, and keeps its zone.
    const zone = parts.zone === null ? '' : ` ${parts.zone.text}`;
    alternatives.push(...cronAlternatives(notes, zone));
  }
  return { schedule, description: describeSchedule(schedule), warnings, alternatives };
}

/**
 * Returns `source` without the shortest run of words from token `from` on that makes it parse,
 * so that "hourly in general" becomes "hourly". Returns null when no such text parses.
 */
function withoutUnreadWords(
  source: string,
  tokens: readonly Token[],
  from: number,
  works: (text: string) => boolean,
): string | null {
  const start = tokens[from]?.start;
  if (start === undefined) return null;
  for (let end = from + 1; end <= tokens.length; end++) {
    const after = tokens[end]?.start ?? source.length;
    const text = `${source.slice(0, start)}${source.slice(after)}`.replace(/\s+/g, ' ').trim();
    if (text !== '' && works(text)) return text;
  }
  return null;
}

/**
 * Rethrows a rejection with the example that works: a spelling fix, the user's text without the
 * words that could not be read, or the first example that parses.
 */
function withWorkingExample(error: unknown, source: string, works: (text: string) => boolean) {
  const examples = examplesOf(error);
  if (examples !== null && error instanceof DrumbeatError) {
    const example = examples.find(works) ?? [];
    return new DrumbeatError(error.code, error.message, example);
  }
  if (!isUnreadableText(error)) return error;
  const tokens = tokenize(source);
  const suggestion = suggestCorrection(source, tokens, works);
  if (suggestion !== null) {
    return new DrumbeatError(
      'schedule_invalid',
      `${error.message} Did you mean "${suggestion}"?`,
      suggestion,
    );
  }
  const from = unreadFrom(error);
  const shorter = from === null ? null : withoutUnreadWords(source, tokens, from, works);
  return shorter === null ? error : new DrumbeatError(error.code, error.message, shorter);
}

function parseTrimmed(source: string, ctx: LanguageContext): ParsedSchedule {
  if (source === '') {
    throw new DrumbeatError('schedule_invalid', 'The schedule is missing.', 'every 15 minutes');
  }
  const context = { ...ctx, timezone: assertTimezone(ctx.timezone) };
  const works = (candidate: string) => {
    try {
      parsePhrase(candidate, context);
      return true;
    } catch {
      return false;
    }
  };
  let parsed: ParsedSchedule;
  try {
    parsed = parsePhrase(source, context);
  } catch (error) {
    throw withWorkingExample(error, source, works);
  }
  return { ...parsed, alternatives: keepParsing(parsed.alternatives, works) };
}

/**
 * Parses a schedule as people type it: an interval (`every 15 minutes`), times of day and days
 * (`every weekday at 9:30am`, `on the 1st of every month at 6am`), or cron (`cron "0 3 * * 1-5"`,
 * `@daily`, a bare expression), with an optional zone (`tz Europe/Berlin`, `9am PT`). Times of
 * day are read in `ctx.timezone` unless the text names a zone.
 *
 * Throws `schedule_invalid` (or `timezone_invalid`) with a message that quotes the part that
 * failed, cut to about 80 characters, and an `example` of the closest form that works.
 */
export function parseSchedule(text: string, ctx: LanguageContext): ParsedSchedule {
  const source = straightenQuotes(text.trim().replace(/\s+/g, ' '));
  return withClippedErrors(() => parseTrimmed(source, ctx));
}
