import { DrumbeatError } from '../../domain/errors.js';
import { readDuration } from './duration.js';
import { type Period, type ScheduleParts, setPart, unreadableText } from './parts.js';
import type { Cursor } from './tokens.js';
import { type PeriodUnit, readNumber, readOrdinal, readUnit, UNIT_SECONDS } from './words.js';

// Clauses that give how often it runs: `every 5 min`, `every 2h`, `every other hour`, `hourly`,
// `daily`, `twice a day`.

const ADVERBS: Record<string, { count: number; unit: PeriodUnit }> = {
  minutely: { count: 1, unit: 'minute' },
  'quarter-hourly': { count: 15, unit: 'minute' },
  'half-hourly': { count: 30, unit: 'minute' },
  hourly: { count: 1, unit: 'hour' },
  daily: { count: 1, unit: 'day' },
  nightly: { count: 1, unit: 'day' },
  weekly: { count: 1, unit: 'week' },
  fortnightly: { count: 2, unit: 'week' },
  monthly: { count: 1, unit: 'month' },
  yearly: { count: 1, unit: 'year' },
  annually: { count: 1, unit: 'year' },
};

const AMBIGUOUS: Record<string, readonly string[]> = {
  biweekly: ['every 2 weeks', 'every monday and thursday at 9am'],
  'bi-weekly': ['every 2 weeks', 'every monday and thursday at 9am'],
  bimonthly: ['every 2 months on the 1st at 9am', 'on the 1st and 15th at 9am'],
  'bi-monthly': ['every 2 months on the 1st at 9am', 'on the 1st and 15th at 9am'],
  semimonthly: ['on the 1st and 15th at 9am'],
};

function period(
  cursor: Cursor,
  start: number,
  count: number,
  unit: PeriodUnit,
  word: string,
): Period {
  return { count, unit, seconds: count * UNIT_SECONDS[unit], word, text: cursor.quote(start) };
}

/** Reads `2h`, `30s`, `1h30m` tokens after `every`. */
function readCompact(cursor: Cursor, start: number): Period | null {
  let seconds = 0;
  let tokens = 0;
  let single: { count: number; unit: PeriodUnit } | null = null;
  while (/^\d+(?:\.\d+)?[a-z]/.test(cursor.peek() ?? '')) {
    const word = cursor.peek()!;
    const durationMs = readDuration(word);
    if (durationMs === null) break;
    const match = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(word);
    const unit = match ? readUnit(match[2]) : null;
    if (tokens === 0 && match && unit !== null) single = { count: Number(match[1]), unit };
    seconds += durationMs / 1000;
    tokens++;
    cursor.next();
  }
  if (tokens === 0) return null;
  if (tokens === 1 && single !== null)
    return period(cursor, start, single.count, single.unit, 'every');
  return { count: seconds, unit: 'second', seconds, word: 'every', text: cursor.quote(start) };
}

/** Adds `30 minutes` in `every 1 hour 30 minutes`. */
function readMoreUnits(cursor: Cursor, first: Period): Period {
  let result = first;
  for (;;) {
    const mark = cursor.index;
    cursor.accept('and');
    const count = readNumber(cursor.peek());
    const unit = readUnit(cursor.peek(1));
    if (count === null || unit === null || UNIT_SECONDS[unit] === 0) {
      cursor.index = mark;
      return result;
    }
    cursor.index += 2;
    const seconds = result.seconds + count * UNIT_SECONDS[unit];
    result = {
      ...result,
      count: seconds,
      unit: 'second',
      seconds,
      text: `${result.text} ${cursor.quote(mark)}`,
    };
  }
}

/** `half hour`, `half an hour`, `quarter hour`, `quarter of an hour`, in minutes. */
function readPartOfHour(cursor: Cursor): number | null {
  const minutes = cursor.accept('half') ? 30 : cursor.accept('quarter') ? 15 : null;
  if (minutes === null) return null;
  cursor.accept('of');
  cursor.accept('an');
  return cursor.accept('hour') ? minutes : null;
}

function readEvery(cursor: Cursor, start: number): Period | null {
  cursor.next();
  if (cursor.accept('other')) {
    const unit = readUnit(cursor.peek());
    if (unit === null) return null;
    cursor.next();
    return period(cursor, start, 2, unit, 'every');
  }
  if (cursor.peek() === 'half' || cursor.peek() === 'quarter') {
    const minutes = readPartOfHour(cursor);
    return minutes === null ? null : period(cursor, start, minutes, 'minute', 'every');
  }
  if (cursor.accept('fortnight')) return period(cursor, start, 2, 'week', 'every');
  const compact = readCompact(cursor, start);
  if (compact !== null) return compact;

  // `every 5 minutes`, `every five minutes`, `every second day`, `every hour`.
  const word = cursor.peek();
  const ordinalCount = readOrdinal(word);
  const count = readNumber(word) ?? (readUnit(cursor.peek(1)) !== null ? ordinalCount : null);
  if (count !== null) cursor.next();
  const unit = readUnit(cursor.peek());
  if (unit === null) {
    if (count === null) return null;
    const next = cursor.peek();
    const message =
      next === undefined
        ? `"${cursor.rest(start)}" needs a unit after the number.`
        : `"${next}" is not a unit of time, in "${cursor.rest(start)}".`;
    throw unreadableText(message, `every ${word} minutes`);
  }
  cursor.next();
  return readMoreUnits(cursor, period(cursor, start, count ?? 1, unit, 'every'));
}

const PER_UNIT_WORDS: Record<string, 'hour' | 'day' | 'week'> = {
  hour: 'hour',
  hourly: 'hour',
  day: 'day',
  daily: 'day',
  week: 'week',
  weekly: 'week',
};

/** `once a day`, `twice daily`, `3 times an hour`. */
function readTimesPer(cursor: Cursor, parts: ScheduleParts, start: number): boolean {
  const word = cursor.peek();
  const named: Record<string, number> = { once: 1, twice: 2, thrice: 3 };
  let count = named[word ?? ''] ?? null;
  if (count !== null) cursor.next();
  else {
    const number = readNumber(word);
    if (number === null || !['times', 'x'].includes(cursor.peek(1) ?? '')) return false;
    count = number;
    cursor.index += 2;
  }

  // `a day`, `per hour`, `daily`.
  let unitWord = cursor.peek();
  if (['a', 'an', 'per', 'each', 'every'].includes(unitWord ?? '')) {
    cursor.next();
    unitWord = cursor.peek();
  }
  const unit = PER_UNIT_WORDS[unitWord ?? ''];
  if (unit === undefined) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.rest(start)}" needs "a day", "an hour" or "a week".`,
      'twice a day at 8am and 8pm',
    );
  }
  cursor.next();
  setPart(parts, 'timesPerUnit', { count, unit, text: cursor.quote(start) });
  return true;
}

/** Reads a period clause. Returns false, without moving, when none starts here. */
export function readPeriod(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  const word = cursor.peek() ?? '';
  const ambiguous = AMBIGUOUS[word];
  if (ambiguous !== undefined) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.quote(start, start + 1)}" is ambiguous: it can mean twice as often or half as often.`,
      ambiguous,
    );
  }
  const adverb = ADVERBS[word];
  if (adverb !== undefined) {
    cursor.next();
    setPart(parts, 'period', period(cursor, start, adverb.count, adverb.unit, word));
    return true;
  }
  if (readTimesPer(cursor, parts, start)) return true;
  if (word !== 'every' && word !== 'each') return false;
  const result = readEvery(cursor, start);
  if (result === null) {
    cursor.index = start;
    return false;
  }
  setPart(parts, 'period', result);
  return true;
}
