import * as chrono from 'chrono-node';
import { DrumbeatError } from '../../domain/errors.js';
import { offsetMsAt, resolveWallTime, WALL_DAY_MS, wallTimeAt } from '../../domain/local-time.js';
import type { WordChange } from './alternatives.js';
import { formatLocalTime } from './format.js';
import { otherZoneChanges, readZoneName } from './timezone.js';

// Reads the end of a silence (`5pm`, `tomorrow 9am`, `monday`, `midnight tonight`, `2027-01-04
// 08:00`) as a wall time in the team's zone. chrono-node 2.10.3 parses the words; it handles
// only fixed offsets, so Drumbeat takes its calendar fields and resolves them in the IANA zone
// itself, which keeps DST right when the end lies after a change.

/**
 * Returns example ends of a silence, one of them a date a week after `now` in the zone, so that
 * the date is always within the 90 days a silence may last.
 */
function timeExamples(now: number, timezone: string): string[] {
  const date = new Date(wallTimeAt(timezone, now) + 7 * WALL_DAY_MS).toISOString().slice(0, 10);
  return ['until tomorrow 9am', 'until monday', `until ${date} 08:00`];
}

export interface TimeReading {
  instant: number;
  warnings: string[];
  /** Changes of the user's words that give the other readings the warnings name. */
  changes: WordChange[];
}

interface ZoneSuffix {
  text: string;
  zone: string | null;
  note: string | null;
  changes: WordChange[];
}

/** Splits a trailing zone off: `5pm PT`, `9am tz Europe/Berlin`, `noon in Berlin time`. */
function splitZone(text: string): ZoneSuffix {
  const patterns = [
    /^(.*?)\s+(?:tz|timezone)\s+(\S+)$/i,
    /^(.*?)\s+in\s+(.+?)(?:\s+time)?$/i,
    /^(.*?)\s+(.+?)\s+time$/i,
    /^(.*?)\s+(\S+)$/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const reading = readZoneName(match[2]!);
    const isBareWord = pattern === patterns[3];
    if (reading === null || (isBareWord && !/^[a-z]{1,5}$|\//i.test(match[2]!))) continue;
    const changes = otherZoneChanges(reading, match[2]!);
    return { text: match[1]!, zone: reading.zone, note: reading.note, changes };
  }
  return { text, zone: null, note: null, changes: [] };
}

function startOfNextDay(now: number, timezone: string, extraDays: number): number {
  const wall = wallTimeAt(timezone, now);
  return Math.floor(wall / WALL_DAY_MS) * WALL_DAY_MS + (1 + extraDays) * WALL_DAY_MS;
}

/** `midnight`, `midnight tonight`, `tomorrow at midnight`, `midnight on friday`. */
function readMidnight(
  text: string,
  now: number,
  timezone: string,
): { wall: number; warning: string | null; change: WordChange | null } | null {
  const lower = text.toLowerCase();
  if (/^(?:at\s+)?(?:midnight(?:\s+tonight|\s+today)?|tonight\s+at\s+midnight)$/.test(lower)) {
    return { wall: startOfNextDay(now, timezone, 0), warning: null, change: null };
  }
  if (/^(?:tomorrow\s+(?:at\s+)?midnight|midnight\s+tomorrow(?:\s+night)?)$/.test(lower)) {
    const wall = startOfNextDay(now, timezone, 1);
    return {
      wall,
      warning: `Read "${text}" as the end of tomorrow.`,
      change: {
        meaning: 'the midnight at the start of tomorrow',
        words: text,
        replacement: 'midnight tonight',
      },
    };
  }
  return null;
}

/** A part of the day that stands for a time when no clock time is given. */
interface PartOfDay {
  pattern: RegExp;
  name: string;
  hour: number;
  /** Another time of that part of the day that an example puts in place of its word. */
  example: string;
  exampleHour: number;
}

const PARTS_OF_DAY: readonly PartOfDay[] = [
  { pattern: /\bmorning\b/, name: 'morning', hour: 9, example: '8am', exampleHour: 8 },
  { pattern: /\bafternoon\b/, name: 'afternoon', hour: 14, example: '3pm', exampleHour: 15 },
  { pattern: /\bevening\b/, name: 'evening', hour: 18, example: '7pm', exampleHour: 19 },
  { pattern: /\btonight\b|\bnight\b/, name: 'night', hour: 22, example: '11pm', exampleHour: 23 },
];

/** Returns `hour` o'clock as the reply shows times, such as `08:00`. */
function hourClock(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

function chronoWall(
  result: chrono.ParsedResult,
  text: string,
  warnings: string[],
  changes: WordChange[],
): number {
  const start = result.start;
  const year = start.get('year')!;
  const month = start.get('month')!;
  const day = start.get('day')!;
  if (start.isCertain('hour')) {
    return Date.UTC(
      year,
      month - 1,
      day,
      start.get('hour')!,
      start.get('minute') ?? 0,
      start.get('second') ?? 0,
    );
  }
  const lower = text.toLowerCase();
  const part = PARTS_OF_DAY.find(({ pattern }) => pattern.test(lower));
  if (part !== undefined) {
    warnings.push(`Read "${part.name}" as ${hourClock(part.hour)}.`);
    const match = part.pattern.exec(lower)!;
    const words = text.slice(match.index, match.index + match[0].length);
    const meaning = hourClock(part.exampleHour);
    changes.push({ meaning, words, replacement: part.example });
    return Date.UTC(year, month - 1, day, part.hour);
  }
  warnings.push('No time was given, so the silence ends at the start of that day (00:00).');
  changes.push({ meaning: '09:00', words: text, replacement: `${text} 9am` });
  return Date.UTC(year, month - 1, day);
}

function parseWithChrono(text: string, now: number, timezone: string): chrono.ParsedResult {
  const reference = {
    instant: new Date(now),
    timezone: Math.round(offsetMsAt(timezone, now) / 60_000),
  };
  const body = text.replace(/^(?:at|on)\s+/i, '');
  const [result] = chrono.parse(body, reference, { forwardDate: true });
  const leftover =
    result === undefined
      ? body
      : body.slice(0, result.index) + body.slice(result.index + result.text.length);
  if (result === undefined || leftover.trim() !== '') {
    const part = result === undefined ? body : leftover.trim();
    throw new DrumbeatError(
      'time_invalid',
      `"${part}" is not a time Drumbeat understands.`,
      timeExamples(now, timezone),
    );
  }
  return result;
}

/** Moves a time that is not after `now` forward by a day or a week, when the text allows it. */
function forward(result: chrono.ParsedResult, wall: number, now: number, timezone: string): number {
  let candidate = wall;
  const start = result.start;
  const hasDate = start.isCertain('day') || start.isCertain('month') || start.isCertain('year');
  const step = hasDate ? 0 : start.isCertain('weekday') ? 7 : 1;
  for (let i = 0; i < 2 && step > 0 && toInstant(candidate, timezone).instant <= now; i++) {
    candidate += step * WALL_DAY_MS;
  }
  return candidate;
}

function toInstant(wall: number, timezone: string): { instant: number; note: string | null } {
  const resolved = resolveWallTime(timezone, wall);
  if (resolved.kind === 'normal') return { instant: resolved.instant, note: null };
  if (resolved.kind === 'overlap') {
    const note = `${formatLocalTime(resolved.first, timezone)} happens twice in ${timezone}; the first one was taken.`;
    return { instant: resolved.first, note };
  }
  const note = `That time does not exist in ${timezone} (clocks go forward), so the silence ends at ${formatLocalTime(resolved.firstInstantAfter, timezone)}.`;
  return { instant: resolved.firstInstantAfter, note };
}

/** Reads a point in time in `timezone`, always forward from `now` where the text allows. */
export function readTime(text: string, now: number, timezone: string): TimeReading {
  const suffix = splitZone(text.trim());
  const zone = suffix.zone ?? timezone;
  const warnings = suffix.note === null ? [] : [suffix.note];
  const changes = [...suffix.changes];

  const midnight = readMidnight(suffix.text, now, zone);
  if (midnight !== null) {
    if (midnight.warning !== null) warnings.push(midnight.warning);
    if (midnight.change !== null) changes.push(midnight.change);
    return { instant: toInstant(midnight.wall, zone).instant, warnings, changes };
  }

  const result = parseWithChrono(suffix.text, now, zone);
  if (result.start.isCertain('timezoneOffset')) {
    return { instant: result.start.date().getTime(), warnings, changes };
  }
  const wall = forward(result, chronoWall(result, suffix.text, warnings, changes), now, zone);
  const { instant, note } = toInstant(wall, zone);
  if (note !== null) warnings.push(note);
  return { instant, warnings, changes };
}
