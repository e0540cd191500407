import { DrumbeatError } from '../../domain/errors.js';
import { type NthWeekday, type ScheduleParts, setPart } from './parts.js';
import type { Cursor } from './tokens.js';
import { readMonth, readNumber, readOrdinal, readWeekday } from './words.js';

// Clauses that pick days: weekdays (`every monday and thursday`, `weekdays`, `mon-fri`), days
// left out (`except sunday`), days of the month (`on the 1st and 15th`, `the last day of the
// month`), weekdays of the month (`first monday of the month`) and months (`in january`).

const RANGE_WORDS = ['to', 'through', 'thru', 'till', 'until', '-'];

function weekdayRange(from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = from; ; day = (day + 1) % 7) {
    days.push(day);
    if (day === to) return days;
  }
}

/** Reads one weekday item: a name, a range (`mon-fri`, `monday to friday`) or a group word. */
function readWeekdayItem(cursor: Cursor): number[] | null {
  const word = cursor.peek();
  if (word === undefined) return null;
  if (/^(weekdays?|workdays?|business|working)$/.test(word) || cursor.acceptAll('week', 'days')) {
    if (word !== 'week') cursor.next();
    if (word === 'business' || word === 'working') {
      if (!cursor.accept('days', 'day')) {
        cursor.index--;
        return null;
      }
    }
    return [1, 2, 3, 4, 5];
  }
  if (/^weekends?$/.test(word)) {
    cursor.next();
    cursor.accept('days');
    return [6, 0];
  }
  const dashed = /^([a-z]+)-([a-z]+)$/.exec(word);
  if (dashed) {
    const from = readWeekday(dashed[1]);
    const to = readWeekday(dashed[2]);
    if (from === null || to === null) return null;
    cursor.next();
    return weekdayRange(from, to);
  }
  const day = readWeekday(word);
  if (day === null) return null;
  cursor.next();
  if (RANGE_WORDS.includes(cursor.peek() ?? '') && readWeekday(cursor.peek(1)) !== null) {
    cursor.next();
    return weekdayRange(day, readWeekday(cursor.next())!);
  }
  return [day];
}

/** Reads weekday items joined by `and`, `or` or commas. */
function readWeekdayList(cursor: Cursor): Set<number> | null {
  const first = readWeekdayItem(cursor);
  if (first === null) return null;
  const days = new Set(first);
  while (['and', 'or', '/'].includes(cursor.peek() ?? '')) {
    const mark = cursor.index;
    cursor.next();
    cursor.accept('on', 'every');
    const more = readWeekdayItem(cursor);
    if (more === null) {
      cursor.index = mark;
      break;
    }
    for (const day of more) days.add(day);
  }
  return days;
}

/** `every weekday`, `on mondays and thursdays`, `from monday to friday`, `the weekend`. */
export function readWeekdays(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  cursor.accept('only');
  cursor.accept('on', 'every', 'each', 'from');
  cursor.accept('the');
  const days = readWeekdayList(cursor);
  if (days === null) {
    cursor.index = start;
    return false;
  }
  setPart(parts, 'weekdays', { days, text: cursor.quote(start) });
  return true;
}

/** `except sundays`, `but not on weekends`, `excluding friday`. */
export function readExcept(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  if (!(cursor.accept('except', 'excluding') || cursor.acceptAll('but', 'not'))) return false;
  cursor.accept('on');
  cursor.accept('the');
  const days = readWeekdayList(cursor);
  if (days === null) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.rest(start)}" does not name days of the week to leave out.`,
      'every day at 9am except sunday',
    );
  }
  setPart(parts, 'exceptWeekdays', { days, text: cursor.quote(start) });
  return true;
}

/** Reads `of the month`, `of every month`, `every month`, `each month`, `a month`, `monthly`. */
function readMonthSuffix(cursor: Cursor): boolean {
  const mark = cursor.index;
  cursor.accept('of', 'in');
  if (cursor.accept('monthly')) return true;
  if (cursor.accept('the', 'every', 'each', 'a', 'per') && cursor.accept('month')) return true;
  cursor.index = mark;
  return false;
}

/** Reads `1st`, `the 15th`, `day 15` or `last`, joined by `and`. */
function readDayNumbers(cursor: Cursor): { days: number[]; last: boolean } | null {
  const days: number[] = [];
  let last = false;
  const sawDayWord = cursor.accept('day', 'days');
  for (;;) {
    const mark = cursor.index;
    cursor.accept('the');
    const word = cursor.peek();
    const value = readOrdinal(word) ?? (sawDayWord ? readNumber(word) : null);
    if (word === 'last') last = true;
    else if (value !== null && Number.isInteger(value)) days.push(value);
    else {
      cursor.index = mark;
      break;
    }
    cursor.next();
    if (!cursor.accept('and')) break;
  }
  return days.length > 0 || last ? { days, last } : null;
}

function checkDays(cursor: Cursor, start: number, days: number[]): void {
  const wrong = days.find((day) => day < 1 || day > 31);
  if (wrong !== undefined) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.quote(start)}" names day ${wrong}, and days of the month are 1 to 31.`,
      'on the 1st of every month at 6am',
    );
  }
}

/** Reads ordinals followed by a weekday: `first monday`, `2nd and 4th tuesday`, `last friday`. */
function readNthWeekdays(cursor: Cursor): NthWeekday[] | null {
  const mark = cursor.index;
  const nths: (number | 'last')[] = [];
  for (;;) {
    const word = cursor.peek();
    const nth = word === 'last' ? 'last' : readOrdinal(word);
    if (nth === null || (typeof nth === 'number' && nth > 5)) break;
    nths.push(nth);
    cursor.next();
    if (!cursor.accept('and')) break;
  }
  const weekday = readWeekday(cursor.peek());
  if (nths.length === 0 || weekday === null) {
    cursor.index = mark;
    return null;
  }
  cursor.next();
  return nths.map((nth) => ({ weekday, nth }));
}

/** `first monday of the month`, `on the last friday of every month`. */
function readNthClause(cursor: Cursor, parts: ScheduleParts, start: number): boolean {
  const everyPrefix = cursor.tokens[start]?.text === 'every';
  const items = readNthWeekdays(cursor);
  if (items === null) return false;
  const hasSuffix = readMonthSuffix(cursor);
  if (!hasSuffix && everyPrefix && items.some((item) => item.nth === 2)) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.quote(start)}" could mean the second one of each month or every other week.`,
      ['the second monday of the month at 9am', 'every 2 weeks'],
    );
  }
  setPart(parts, 'nthWeekdays', { items, text: cursor.quote(start) });
  return true;
}

/** `on the 1st`, `the last day of the month`, `on the 1st of january`, `on jan 15`. */
export function readMonthDays(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  cursor.accept('on', 'every', 'each');
  cursor.accept('the');
  if (readNthClause(cursor, parts, start)) return true;

  const monthFirst = readMonth(cursor.peek());
  if (monthFirst !== null) cursor.next();
  const numbers = monthFirst !== null ? readDayNumbersAfterMonth(cursor) : readDayNumbers(cursor);
  if (numbers === null) {
    cursor.index = start;
    return false;
  }
  const everyDayPeriod =
    cursor.tokens[start]?.text === 'every' && cursor.peek() === 'day' && cursor.peek(1) !== 'of';
  if (everyDayPeriod) {
    // `every 2nd day` is a period, not the 2nd day of the month.
    cursor.index = start;
    return false;
  }
  // `every second` is a period; a word ordinal names a day only with `day` or `of the month`.
  const wordOrdinal = /^(first|second|third|fourth|fifth)$/.test(
    cursor.tokens[cursor.index - 1]?.text ?? '',
  );
  if (wordOrdinal && cursor.peek() !== 'day' && cursor.peek() !== 'of') {
    cursor.index = start;
    return false;
  }
  cursor.accept('day');
  checkDays(cursor, start, numbers.days);
  if (monthFirst === null && !readMonthSuffix(cursor)) readMonthsAfterDay(cursor, parts, start);
  setPart(parts, 'monthDays', {
    days: new Set(numbers.days),
    last: numbers.last,
    text: cursor.quote(start),
  });
  if (monthFirst !== null)
    setPart(parts, 'months', { months: new Set([monthFirst]), text: cursor.quote(start) });
  return true;
}

function readDayNumbersAfterMonth(cursor: Cursor): { days: number[]; last: boolean } | null {
  cursor.accept('the');
  const value = readOrdinal(cursor.peek()) ?? readNumber(cursor.peek());
  if (value === null || !Number.isInteger(value)) return null;
  cursor.next();
  return { days: [value], last: false };
}

/** `the 1st of january`, `1st january`: the month after a day. */
function readMonthsAfterDay(cursor: Cursor, parts: ScheduleParts, start: number): void {
  const mark = cursor.index;
  cursor.accept('of');
  const months = readMonthList(cursor);
  if (months === null) cursor.index = mark;
  else setPart(parts, 'months', { months, text: cursor.quote(start) });
}

function readMonthList(cursor: Cursor): Set<number> | null {
  const months = new Set<number>();
  for (;;) {
    const word = cursor.peek() ?? '';
    const dashed = /^([a-z]+)-([a-z]+)$/.exec(word);
    const from = readMonth(dashed ? dashed[1] : word);
    if (from === null) break;
    cursor.next();
    let to = dashed ? readMonth(dashed[2]) : from;
    if (
      !dashed &&
      RANGE_WORDS.includes(cursor.peek() ?? '') &&
      readMonth(cursor.peek(1)) !== null
    ) {
      cursor.next();
      to = readMonth(cursor.next());
    }
    for (let month = from; ; month = (month % 12) + 1) {
      months.add(month);
      if (month === to || to === null) break;
    }
    if (!(cursor.peek() === 'and' && readMonth(cursor.peek(1)) !== null)) break;
    cursor.next();
  }
  return months.size > 0 ? months : null;
}

/** `in january`, `in june, july and august`, `every march`, `from april to september`. */
export function readMonths(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  cursor.accept('in', 'during', 'every', 'each', 'from', 'only');
  cursor.accept('in');
  const months = readMonthList(cursor);
  if (months === null) {
    cursor.index = start;
    return false;
  }
  setPart(parts, 'months', { months, text: cursor.quote(start) });
  return true;
}
