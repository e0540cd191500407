import { type ParsedField, parseCronField } from './cron-fields.js';
import { DrumbeatError } from './errors.js';
import { offsetMsAt, resolveWallTime } from './local-time.js';

// A five-field cron evaluator that expects runs when Debian's cron daemon starts them, as
// healthchecks' cronsim does. cron-parser 5.10.7 differs from Debian in the places below, which
// is why Drumbeat evaluates cron itself:
// - A fixed local time in a spring-forward gap runs at the first instant after the gap, once.
// - A fixed local time that a fall-back change repeats runs once, at its first occurrence.
// - A job whose minute or hour field starts with `*` ticks in real time: it runs in both passes
//   of a repeated hour and skips the wall times that a gap removes.
// - When the day-of-month or the day-of-week field starts with `*` (`*/3` too), a day must match
//   both fields. Otherwise a day that matches either one runs (the Vixie cron rule).
// - Steps larger than their field, empty or short expressions, backward ranges and dates that
//   never occur are rejected instead of silently running every minute or hourly.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// The Gregorian calendar, weekdays included, repeats every 400 years.
const CALENDAR_CYCLE_DAYS = 146_097;

export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed five-field expression. */
export interface CronExpression {
  /** The five fields as given, separated by single spaces; macros are expanded. */
  source: string;
  fields: readonly [string, string, string, string, string];
  minutes: number[];
  hours: number[];
  dayOfMonth: ParsedField;
  months: Set<number>;
  dayOfWeek: ParsedField;
  /** True when a day must match both day fields (one of them starts with `*`). */
  daysMustMatchBoth: boolean;
  /** True when the minute or hour field starts with `*`: Debian runs such jobs in real time. */
  realTime: boolean;
}

const EXAMPLE = 'cron "0 3 * * 1-5"';

function splitFields(expression: string): string[] {
  const trimmed = expression.trim();
  const macro = CRON_MACROS[trimmed.toLowerCase()];
  if (macro !== undefined) return macro.split(' ');
  if (trimmed.toLowerCase() === '@reboot') {
    // A job that runs once at boot has no next run to expect, so no macro fits it.
    throw new DrumbeatError(
      'schedule_invalid',
      '"@reboot" runs a job once when the machine starts, so there is no next run to expect. ' +
        'Drumbeat watches jobs that run on a schedule or at an interval.',
    );
  }
  if (trimmed.startsWith('@')) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${trimmed}" is not a cron macro Drumbeat knows; use @hourly, @daily, @weekly, @monthly or @yearly.`,
      'cron "@daily"',
    );
  }
  if (trimmed === '') {
    throw new DrumbeatError('schedule_invalid', 'The cron expression is empty.', EXAMPLE);
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    const count = `A cron expression has five fields (minute hour day-of-month month day-of-week), and "${trimmed}" has ${fields.length}.`;
    // `1, 3, 5` is a list typed with spaces, which split it into fields.
    const joined = trimmed.replace(/,\s+/g, ',');
    if (joined !== trimmed && joined.split(/\s+/).length === 5) {
      const hint = ' A list in a field has no spaces after its commas.';
      throw new DrumbeatError('schedule_invalid', `${count}${hint}`, `cron "${joined}"`);
    }
    if (fields.length === 6 || fields.length === 7) {
      let hint =
        ' Drumbeat has no field for seconds (first in Quartz and Spring) or for a year (last).';
      if (fields.includes('?') && /\d/.test(fields[5] ?? '')) {
        hint += ' Quartz numbers the days of the week from 1 (Sunday), and cron from 0.';
      }
      const examples = fiveFieldReadings(fields).map((reading) => `cron "${reading}"`);
      throw new DrumbeatError(
        'schedule_invalid',
        `${count}${hint}`,
        examples.length > 0 ? examples : EXAMPLE,
      );
    }
    // Fewer fields most likely leave out the last ones, which `*` fills.
    const padded = `${trimmed}${' *'.repeat(Math.max(0, 5 - fields.length))}`;
    const fits = fields.length < 5 && parsesAsFiveFields(padded);
    throw new DrumbeatError('schedule_invalid', count, fits ? `cron "${padded}"` : EXAMPLE);
  }
  return fields;
}

// A year field as Quartz writes it: `*`, or years with lists, ranges and steps.
const YEAR_FIELD = /^(?:\*|\d{4}(?:[-,/]\d{1,4})*)$/;

/**
 * Returns the five-field expressions that a six- or seven-field one most likely means, the ones
 * that parse: without its first field (seconds, in Quartz and Spring), and without a last
 * field that reads as a year. Quartz's `?` becomes `*`. Returns none for other counts.
 */
function fiveFieldReadings(fields: readonly string[]): string[] {
  // Only Quartz writes `?`, and it numbers the days of the week from 1 (Sunday) to 7.
  const isQuartz = fields.includes('?');
  const quartz = (five: readonly string[]) =>
    five.map((field, i) => {
      if (field === '?') return '*';
      return i === 4 && isQuartz ? quartzDaysAsCron(field) : field;
    });
  const readings: string[][] = [];
  if (fields.length === 6) {
    readings.push(quartz(fields.slice(1)));
    if (!fields.includes('?') && YEAR_FIELD.test(fields[5]!)) readings.push(fields.slice(0, 5));
  } else if (fields.length === 7 && YEAR_FIELD.test(fields[6]!)) {
    readings.push(quartz(fields.slice(1, 6)));
  }
  const expressions = new Set(readings.map((five) => five.join(' ')));
  return [...expressions].filter(parsesAsFiveFields);
}

/**
 * Returns a Quartz day-of-week field with its day numbers moved one down, as cron counts them
 * from 0 (Sunday): `2-6` becomes `1-5` and `6L` becomes `5L`. Names, steps and the n of `#n`
 * are left as they are.
 */
function quartzDaysAsCron(field: string): string {
  return field
    .split(',')
    .map((item) =>
      item.replace(/(^|-)(\d+)/g, (_all, lead: string, day: string) => {
        return `${lead}${Number(day) - 1}`;
      }),
    )
    .join(',');
}

function parsesAsFiveFields(expression: string): boolean {
  try {
    parseCronExpression(expression);
    return true;
  } catch {
    return false;
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function matchesDayOfMonth(field: ParsedField, day: number, monthLength: number): boolean {
  return field.values.has(day) || (field.last && day === monthLength);
}

function matchesDayOfWeek(field: ParsedField, weekday: number, day: number, monthLength: number) {
  if (field.values.has(weekday)) return true;
  if (field.lastWeekdays.has(weekday) && day + 7 > monthLength) return true;
  return field.nthWeekdays.has(weekday * 10 + Math.ceil(day / 7));
}

/** Tells whether cron runs on a calendar day (the month and both day fields). */
export function cronMatchesDay(cron: CronExpression, dayStartMs: number): boolean {
  const date = new Date(dayStartMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  if (!cron.months.has(month)) return false;
  const day = date.getUTCDate();
  const monthLength = daysInMonth(year, month);
  const dayOfMonth = matchesDayOfMonth(cron.dayOfMonth, day, monthLength);
  const dayOfWeek = matchesDayOfWeek(cron.dayOfWeek, date.getUTCDay(), day, monthLength);
  return cron.daysMustMatchBoth ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
}

/** Returns the first day at or after `fromDayMs` on which cron runs, within one calendar cycle. */
function firstMatchingDay(cron: CronExpression, fromDayMs: number): number | null {
  for (let i = 0; i < CALENDAR_CYCLE_DAYS; i++) {
    const dayMs = fromDayMs + i * DAY_MS;
    if (cronMatchesDay(cron, dayMs)) return dayMs;
  }
  return null;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function impossibleReason(cron: CronExpression): string {
  const [, , dayOfMonth, month, dayOfWeek] = cron.fields;
  const days = [...cron.dayOfMonth.values];
  if (dayOfWeek === '*' && days.length > 0 && !cron.dayOfMonth.last) {
    const names = [...cron.months].map((m) => MONTHS[m - 1]!);
    const months =
      names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return `${months} never ${cron.months.size === 1 ? 'has' : 'have'} day ${Math.min(...days)}`;
  }
  return `no day matches day-of-month ${dayOfMonth}, month ${month} and day-of-week ${dayOfWeek} together`;
}

// The minimum length of each month in days (February in a common year).
const MIN_MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Examples for an expression that never runs: its last day of the month, or a day all have. */
function possibleExamples(cron: CronExpression): string[] {
  const [minute, hour, , month, dayOfWeek] = cron.fields;
  const shortest = Math.min(...[...cron.months].map((m) => MIN_MONTH_DAYS[m - 1]!));
  const withDay = (day: string) => `cron "${minute} ${hour} ${day} ${month} ${dayOfWeek}"`;
  return [withDay('L'), withDay(String(shortest))];
}

function rejectImpossible(cron: CronExpression): void {
  if (firstMatchingDay(cron, Date.UTC(2000, 0, 1)) !== null) return;
  throw new DrumbeatError(
    'schedule_invalid',
    `The cron expression "${cron.source}" never runs: ${impossibleReason(cron)}.`,
    possibleExamples(cron),
  );
}

/**
 * Returns a field's error with examples that parse where they can. The error's example fixes
 * that field. When the example fails as well, the error takes the examples of that failure,
 * which also fix the next field.
 */
function withParsingExample(error: unknown): unknown {
  if (!(error instanceof DrumbeatError)) return error;
  const fixed = /^cron "(.*)"$/.exec(error.examples[0] ?? '')?.[1];
  if (fixed === undefined) return error;
  try {
    parseCronExpression(fixed);
    return error;
  } catch (next) {
    if (!(next instanceof DrumbeatError)) throw next;
    return new DrumbeatError(error.code, error.message, next.examples);
  }
}

/** Parses a five-field expression or a macro such as `@daily`. Throws `schedule_invalid`. */
export function parseCronExpression(expression: string): CronExpression {
  const fields = splitFields(expression) as [string, string, string, string, string];
  let parsed: ParsedField[];
  try {
    parsed = fields.map((_field, index) => parseCronField(fields, index));
  } catch (error) {
    throw withParsingExample(error);
  }
  const sorted = (field: ParsedField) => [...field.values].sort((a, b) => a - b);
  const cron: CronExpression = {
    source: fields.join(' '),
    fields,
    minutes: sorted(parsed[0]!),
    hours: sorted(parsed[1]!),
    dayOfMonth: parsed[2]!,
    months: parsed[3]!.values,
    dayOfWeek: parsed[4]!,
    daysMustMatchBoth: fields[2].startsWith('*') || fields[4].startsWith('*'),
    realTime: fields[0].startsWith('*') || fields[1].startsWith('*'),
  };
  rejectImpossible(cron);
  return cron;
}

// Expressions are parsed once and kept: nextCronRun runs for every ping of every cron monitor.
const cache = new Map<string, CronExpression>();
const CACHE_LIMIT = 1000;

function cachedExpression(expression: string): CronExpression {
  let cron = cache.get(expression);
  if (cron === undefined) {
    cron = parseCronExpression(expression);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(expression, cron);
  }
  return cron;
}

/** Lists the instants at which a wall time runs: real-time jobs in both passes, fixed ones once. */
function instantsOf(cron: CronExpression, timezone: string, wallMs: number): number[] {
  const resolved = resolveWallTime(timezone, wallMs);
  if (resolved.kind === 'normal') return [resolved.instant];
  if (resolved.kind === 'overlap') {
    return cron.realTime ? [resolved.first, resolved.second] : [resolved.first];
  }
  return cron.realTime ? [] : [resolved.firstInstantAfter];
}

/**
 * Returns the first run strictly after `afterMs`, following Debian cron across DST changes.
 * Throws `schedule_invalid` for an expression that cron would reject or that never runs.
 */
export function nextCronRun(expression: string, timezone: string, afterMs: number): number {
  const cron = cachedExpression(expression);

  // Wall times are visited in order, and the earliest instant of each never decreases. The
  // second pass of a repeated hour comes after later wall times, though. So the search keeps the
  // best run so far and stops at the first wall time whose earliest instant is after `afterMs`.
  const lowestOffset = Math.min(
    offsetMsAt(timezone, afterMs),
    offsetMsAt(timezone, afterMs + DAY_MS),
  );
  const startWall = Math.floor((afterMs + lowestOffset) / MINUTE_MS) * MINUTE_MS;
  const startDay = Math.floor(startWall / DAY_MS) * DAY_MS;
  let best = Number.POSITIVE_INFINITY;
  let day = firstMatchingDay(cron, startDay);
  while (day !== null) {
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const wall = day + hour * 3_600_000 + minute * MINUTE_MS;
        if (wall < startWall) continue;
        const instants = instantsOf(cron, timezone, wall);
        for (const instant of instants) if (instant > afterMs) best = Math.min(best, instant);
        if (instants.length > 0 && instants[0]! > afterMs) return best;
      }
    }
    day = firstMatchingDay(cron, day + DAY_MS);
  }
  // parseCronExpression rejects expressions without a matching day in the calendar cycle.
  throw new Error(`No run found for "${expression}"`);
}

/** Returns the next `count` runs after `afterMs`. */
export function nextCronRuns(
  expression: string,
  timezone: string,
  afterMs: number,
  count: number,
): number[] {
  const runs: number[] = [];
  let cursor = afterMs;
  for (let i = 0; i < count; i++) {
    cursor = nextCronRun(expression, timezone, cursor);
    runs.push(cursor);
  }
  return runs;
}
