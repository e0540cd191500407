import { DrumbeatError } from '../../domain/errors.js';
import { type ScheduleParts, setPart } from './parts.js';
import { type ClockTime, readClock } from './times.js';
import {
  isZoneAbbreviation,
  otherZoneChanges,
  readZoneName,
  type ZoneReading,
} from './timezone.js';
import type { Cursor } from './tokens.js';
import { readNumber } from './words.js';

// Clauses about the time of day (`at 9am and 5pm`, `at :15`, `half past the hour`), where a
// repetition starts or runs (`starting at 1am`, `from 9am to 5pm`), and the zone (`tz
// Europe/Berlin`, `in Berlin time`, `PT`).

const TIME_EXAMPLE = 'every day at 2am';

function expectClock(cursor: Cursor, start: number, allowBareHour: boolean): ClockTime {
  const time = readClock(cursor, allowBareHour);
  if (time === null) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.rest(cursor.index)}" is not a time of day, in "${cursor.rest(start)}".`,
      TIME_EXAMPLE,
    );
  }
  return time;
}

/** `:15`, `minute 15`, `15 past`, `15 minutes past the hour`, `half past`, `on the hour`. */
function readMinuteOfHour(cursor: Cursor, start: number): number | null {
  const word = cursor.peek() ?? '';
  const colon = /^:(\d{2})$/.exec(word);
  if (colon) {
    cursor.next();
    return Number(colon[1]);
  }
  if (cursor.acceptAll('the', 'top', 'of', 'the', 'hour') || cursor.acceptAll('the', 'hour')) {
    return 0;
  }
  if (word === 'minute' && readNumber(cursor.peek(1)) !== null) {
    cursor.next();
    return readNumber(cursor.next())!;
  }

  // `15 past`, `15 minutes past the hour`, `half past`, `quarter past every hour`.
  const named: Record<string, number> = { half: 30, quarter: 15 };
  const count = named[word] ?? readNumber(word);
  if (count === null) return null;
  const mark = cursor.index;
  cursor.next();
  cursor.accept('minutes', 'mins', 'minute', 'min');
  if (!cursor.accept('past', 'after')) {
    cursor.index = mark;
    return null;
  }
  cursor.accept('the', 'each', 'every');
  cursor.accept('hour');

  if (!Number.isInteger(count) || count > 59) {
    throw new DrumbeatError(
      'schedule_invalid',
      `"${cursor.quote(start)}" names minute ${count}, and minutes past the hour are 0 to 59.`,
      'hourly at :15',
    );
  }
  return count;
}

/** `at 9am`, `at 9:30 and 5pm`, `noon`, `at :15`, `on the hour`. */
export function readTimes(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  const hasAt = cursor.accept('at');
  if (!hasAt && cursor.acceptAll('on', 'the', 'hour')) {
    setPart(parts, 'minuteOfHour', { minute: 0, text: cursor.quote(start) });
    return true;
  }
  const minute = readMinuteOfHour(cursor, start);
  if (minute !== null) {
    setPart(parts, 'minuteOfHour', { minute, text: cursor.quote(start) });
    return true;
  }
  const first = hasAt ? expectClock(cursor, start, true) : readClock(cursor, false);
  if (first === null) return false;
  parts.times.push(first);
  for (;;) {
    const mark = cursor.index;
    if (!cursor.accept('and')) break;
    const andAt = cursor.accept('at');
    const next = readClock(cursor, hasAt || andAt);
    if (next === null) {
      cursor.index = mark;
      break;
    }
    parts.times.push(next);
  }
  return true;
}

const WINDOW_END = ['to', 'until', 'till', 'through', 'thru', '-'];

/** `starting at 1am`, `from 9am to 5pm`, `between 9 and 17`. */
export function readStartOrWindow(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  if (cursor.accept('starting', 'beginning', 'start')) {
    cursor.accept('at', 'from');
    setPart(parts, 'start', expectClock(cursor, start, true));
    parts.start!.text = cursor.quote(start);
    return true;
  }
  const between = cursor.accept('between');
  if (!between && !cursor.accept('from')) return readBareWindow(cursor, parts);
  const from = readClock(cursor, true);
  if (from === null) {
    cursor.index = start;
    return false;
  }
  const hasEnd = between ? cursor.accept('and') : cursor.accept(...WINDOW_END);
  if (!hasEnd) {
    setPart(parts, 'start', { ...from, text: cursor.quote(start) });
    return true;
  }
  const to = expectClock(cursor, start, true);
  setPart(parts, 'window', { from, to, text: cursor.quote(start) });
  return true;
}

/** `9am-5pm`, `9am to 5pm`: a window without `from`. */
function readBareWindow(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  const from = readClock(cursor, false);
  if (from === null) return false;
  if (!cursor.accept(...WINDOW_END)) {
    cursor.index = start;
    return false;
  }
  const to = expectClock(cursor, start, true);
  setPart(parts, 'window', { from, to, text: cursor.quote(start) });
  return true;
}

/** Reads a zone of up to three words (`new york`, `europe/berlin`). */
function readZoneWords(cursor: Cursor): ZoneReading | null {
  for (let length = 3; length >= 1; length--) {
    const words: string[] = [];
    for (let i = 0; i < length; i++) words.push(cursor.peek(i) ?? '');
    if (words.includes('')) continue;
    const raw = cursor.quote(cursor.index, cursor.index + length);
    const reading = readZoneName(length === 1 ? raw : words.join(' '));
    if (reading !== null) {
      cursor.index += length;
      return reading;
    }
  }
  return null;
}

/** `tz Europe/Berlin`, `in Berlin time`, `Berlin time`, `in UTC`, `PT`, `Europe/Berlin`. */
export function readZone(cursor: Cursor, parts: ScheduleParts): boolean {
  const start = cursor.index;
  const named = cursor.accept('tz', 'timezone') || cursor.acceptAll('time', 'zone');
  const hasIn = !named && cursor.accept('in');
  const nameStart = cursor.index;
  const reading = readZoneWords(cursor);
  if (reading === null) {
    if (named) {
      throw new DrumbeatError(
        'timezone_invalid',
        `"${cursor.rest(cursor.index)}" is not an IANA time zone.`,
        'tz Europe/Berlin',
      );
    }
    cursor.index = start;
    return false;
  }
  const changes = otherZoneChanges(reading, cursor.quote(nameStart));
  const hasTime = cursor.accept('time');
  const word = cursor.tokens[start]?.text ?? '';
  // A bare word is a zone only when it cannot be anything else: an IANA name or an abbreviation.
  if (!named && !hasIn && !hasTime && !word.includes('/') && !isZoneAbbreviation(word)) {
    cursor.index = start;
    return false;
  }
  setPart(parts, 'zone', {
    zone: reading.zone,
    note: reading.note,
    changes,
    text: cursor.quote(start),
  });
  return true;
}
