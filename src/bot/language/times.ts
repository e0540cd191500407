import { DrumbeatError } from '../../domain/errors.js';
import type { Cursor } from './tokens.js';
import { clock } from './words.js';

/** A time of day as typed. */
export interface ClockTime {
  hour: number;
  minute: number;
  /** True for a bare hour such as `at 9`, which reads as 09:00 on a 24-hour clock. */
  bareHour: boolean;
  /** The user's text for it. */
  text: string;
}

const TIME_EXAMPLES = ['every day at 2am', 'daily at 14:30'];
const CLOCK = /^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a|p)?$/;

function invalidTime(text: string, reason: string): never {
  throw new DrumbeatError(
    'schedule_invalid',
    `"${text}" is not a time of day: ${reason}.`,
    TIME_EXAMPLES,
  );
}

function toClock(
  text: string,
  hourText: string,
  minuteText: string | undefined,
  meridiem: string | undefined,
): ClockTime {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) invalidTime(text, 'minutes go up to 59');
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) invalidTime(text, 'with am or pm, the hour is 1 to 12');
    hour = (hour % 12) + (meridiem.startsWith('p') ? 12 : 0);
  } else if (hour === 24 && minute === 0) {
    invalidTime(text, 'write midnight or 00:00');
  } else if (hour > 23) {
    invalidTime(text, 'hours go up to 23');
  }
  const bareHour = meridiem === undefined && minuteText === undefined;
  return { hour, minute, bareHour, text };
}

/**
 * Reads a time of day at the cursor: `9am`, `9 am`, `9:30pm`, `14:30`, `noon`, `midnight`, and
 * with `allowBareHour` a bare `9`. Returns null, without moving, when no time is there; throws
 * `schedule_invalid` for a time that is out of range, such as `25:00`.
 */
export function readClock(cursor: Cursor, allowBareHour: boolean): ClockTime | null {
  const start = cursor.index;
  const word = cursor.peek();
  if (word === undefined) return null;
  if (word === 'noon' || word === 'midday') {
    cursor.next();
    return { hour: 12, minute: 0, bareHour: false, text: cursor.quote(start) };
  }
  if (word === 'midnight') {
    cursor.next();
    return { hour: 0, minute: 0, bareHour: false, text: cursor.quote(start) };
  }
  const match = CLOCK.exec(word);
  if (!match) return null;
  let meridiem = match[3];
  const hasMinutes = match[2] !== undefined;
  if (
    meridiem === undefined &&
    !hasMinutes &&
    !allowBareHour &&
    !/^(am|pm)$/.test(cursor.peek(1) ?? '')
  ) {
    return null;
  }
  cursor.next();
  if (meridiem === undefined && cursor.accept('am', 'pm'))
    meridiem = cursor.tokens[cursor.index - 1]!.text;
  cursor.accept("o'clock", 'oclock');
  return toClock(cursor.quote(start), match[1]!, match[2], meridiem);
}

/** Formats a clock time as `09:30`. */
export function formatClock(time: Pick<ClockTime, 'hour' | 'minute'>): string {
  return clock(time.hour, time.minute);
}
