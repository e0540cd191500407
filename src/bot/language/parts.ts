import { DrumbeatError } from '../../domain/errors.js';
import type { WordChange } from './alternatives.js';
import type { ClockTime } from './times.js';
import type { PeriodUnit } from './words.js';

// What the clauses of a schedule phrase contribute. Each clause fills one part; the builder then
// turns the parts into an interval or a cron expression.

export interface Period {
  count: number;
  unit: PeriodUnit;
  /** The period in seconds when it adds up several units (`every 1 hour 30 minutes`). */
  seconds: number;
  /** The word used, for rules that depend on it (`nightly` needs a time). */
  word: string;
  text: string;
}

export interface NthWeekday {
  weekday: number;
  /** 1 to 5, or 'last'. */
  nth: number | 'last';
}

export interface ScheduleParts {
  period: Period | null;
  /** `twice a day`: how many runs in each unit. */
  timesPerUnit: { count: number; unit: 'hour' | 'day' | 'week'; text: string } | null;
  times: ClockTime[];
  /** `hourly at :15`, `15 minutes past the hour`. */
  minuteOfHour: { minute: number; text: string } | null;
  start: ClockTime | null;
  window: { from: ClockTime; to: ClockTime; text: string } | null;
  weekdays: { days: Set<number>; text: string } | null;
  exceptWeekdays: { days: Set<number>; text: string } | null;
  monthDays: { days: Set<number>; last: boolean; text: string } | null;
  nthWeekdays: { items: NthWeekday[]; text: string } | null;
  months: { months: Set<number>; text: string } | null;
  /** `changes` turn the zone's name into the other zones it may mean. */
  zone: { zone: string; note: string | null; changes: WordChange[]; text: string } | null;
}

export function emptyParts(): ScheduleParts {
  return {
    period: null,
    timesPerUnit: null,
    times: [],
    minuteOfHour: null,
    start: null,
    window: null,
    weekdays: null,
    exceptWeekdays: null,
    monthDays: null,
    nthWeekdays: null,
    months: null,
    zone: null,
  };
}

type SingleParts = Exclude<keyof ScheduleParts, 'times'>;

const PART_NAMES: Record<SingleParts, string> = {
  period: 'how often it runs',
  timesPerUnit: 'how many times it runs',
  minuteOfHour: 'the minute of the hour',
  start: 'the start time',
  window: 'the time window',
  weekdays: 'the days of the week',
  exceptWeekdays: 'the days to leave out',
  monthDays: 'the days of the month',
  nthWeekdays: 'the weekdays of the month',
  months: 'the months',
  zone: 'the time zone',
};

const duplicateErrors = new WeakMap<Error, { first: string; second: string }>();

/** Sets a part once; a phrase that gives it twice is rejected, quoting both. */
export function setPart<K extends SingleParts>(
  parts: ScheduleParts,
  key: K,
  value: NonNullable<ScheduleParts[K]> & { text: string },
): void {
  const previous = parts[key] as { text: string } | null;
  if (previous !== null) {
    const error = new DrumbeatError(
      'schedule_invalid',
      `The schedule gives ${PART_NAMES[key]} twice: "${previous.text}" and "${value.text}".`,
      'every monday at 9am tz Europe/Berlin',
    );
    duplicateErrors.set(error, { first: previous.text, second: value.text });
    throw error;
  }
  parts[key] = value;
}

/** Returns the two texts of a part given twice, when `error` came from setPart; else null. */
export function duplicateTexts(error: unknown): { first: string; second: string } | null {
  return error instanceof Error ? (duplicateErrors.get(error) ?? null) : null;
}

const exampleChoices = new WeakMap<Error, readonly string[]>();

/**
 * Creates a rejection whose example is built from the user's text and may not parse itself.
 * parseSchedule shows the first of `examples` that parses, so list a fixed form that works last.
 */
export function rejectWithExamples(message: string, examples: readonly string[]): never {
  const error = new DrumbeatError('schedule_invalid', message, examples.slice(0, 1));
  exampleChoices.set(error, examples);
  throw error;
}

/** Returns the examples to choose from, when `error` came from rejectWithExamples. */
export function examplesOf(error: unknown): readonly string[] | null {
  return error instanceof Error ? (exampleChoices.get(error) ?? null) : null;
}

// The token index where the text that no clause could read starts, or null when unknown.
const unreadableErrors = new WeakMap<Error, number | null>();

/**
 * Creates the error for text that no clause could read from token `unreadFrom` on. Only such
 * errors get a suggestion built from the user's text: a phrase that was read and rejected
 * (`biweekly`) must not be "corrected".
 */
export function unreadableText(
  message: string,
  examples: string | readonly string[],
  unreadFrom: number | null = null,
): DrumbeatError {
  const error = new DrumbeatError('schedule_invalid', message, examples);
  unreadableErrors.set(error, unreadFrom);
  return error;
}

export function isUnreadableText(error: unknown): error is DrumbeatError {
  return error instanceof DrumbeatError && unreadableErrors.has(error);
}

/** Returns the token index where the unreadable text of `error` starts, when it is known. */
export function unreadFrom(error: Error): number | null {
  return unreadableErrors.get(error) ?? null;
}
