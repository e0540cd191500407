import { DrumbeatError } from '../../domain/errors.js';
import { MAX_GRACE_MS, MIN_GRACE_MS } from '../../domain/monitor.js';
import { clip } from './echo.js';
import { closestOf } from './suggest.js';

const DAY_MS = 86_400_000;

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
  // A year is 365 days here: durations are fixed lengths, and grace allows up to 366 days.
  y: 365 * DAY_MS,
};

const UNIT_WORDS: [RegExp, string][] = [
  [/^(s|secs?|seconds?)$/, 's'],
  [/^(m|mins?|minutes?)$/, 'm'],
  [/^(h|hrs?|hours?)$/, 'h'],
  [/^(d|days?)$/, 'd'],
  [/^(w|wks?|weeks?)$/, 'w'],
  [/^(y|yrs?|years?)$/, 'y'],
];

export const DURATION_EXAMPLE = '30s, 10 minutes, 2h, 1h30m';

/** The shortest and longest duration accepted, in milliseconds. */
export interface DurationRange {
  minMs: number;
  maxMs: number;
}

/** Grace periods and maximum run times: 1 second to 366 days. */
export const DURATION_RANGE: DurationRange = { minMs: MIN_GRACE_MS, maxMs: MAX_GRACE_MS };

/** Returns the unit letter for a unit word (`minutes` is `m`), or null. */
export function unitLetter(word: string): string | null {
  for (const [pattern, letter] of UNIT_WORDS) if (pattern.test(word)) return letter;
  return null;
}

export function unitMs(letter: string): number {
  return UNIT_MS[letter]!;
}

/** Rewrites `half an hour`, `an hour` and `1 hour and 30 minutes` into numbers and units. */
function normaliseWords(source: string): string {
  return source
    .replace(/\bhalf\s+(an\s+)?hour\b/g, '30m')
    .replace(/\b(an?|one)\s+(?=[a-z])/g, '1 ')
    .replace(/,|\band\b/g, ' ');
}

/**
 * Reads a duration such as `30s`, `10 minutes`, `2h`, `1h30m`, `1 hour 30 minutes`, `an hour`,
 * `1.5 days` or `1 year` (365 days) into milliseconds, rounded. Returns null for text that is
 * not a duration. No range is checked, so `0s` is 0.
 */
export function readDuration(text: string): number | null {
  const source = normaliseWords(text.trim().toLowerCase());
  const pattern = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const match of source.matchAll(pattern)) {
    const letter = unitLetter(match[2]!);
    if (letter === null) break;
    total += Number(match[1]) * unitMs(letter);
    consumed += match[0];
  }
  const rest = source.replace(/\s+/g, '');
  if (consumed === '' || consumed.replace(/\s+/g, '') !== rest) return null;
  return Math.round(total);
}

function formatLimit(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? '1 day' : `${ms / DAY_MS} days`;
  return ms === 1000 ? '1 second' : `${ms / 1000} seconds`;
}

/** A duration's range and the error for values outside it. */
export interface RangeRule {
  range: DurationRange;
  /** The start of the sentence: "The grace period must be", "A silence must last". */
  subject: string;
  code: 'duration_invalid' | 'time_invalid';
  example: string;
}

/** Throws the rule's error when `ms`, read from the user's `text`, is outside its range. */
export function checkDurationRange(ms: number, text: string, rule: RangeRule): void {
  const quoted = `"${clip(text.trim())}"`;
  const { range, subject, code, example } = rule;
  if (ms < range.minMs) {
    throw new DrumbeatError(
      code,
      `${subject} at least ${formatLimit(range.minMs)}, and ${quoted} is shorter.`,
      example,
    );
  }
  if (ms > range.maxMs) {
    throw new DrumbeatError(
      code,
      `${subject} at most ${formatLimit(range.maxMs)}, and ${quoted} is longer.`,
      example,
    );
  }
}

/**
 * Parses a duration (see readDuration) from 1 second to 366 days into milliseconds. Throws
 * `duration_invalid` for anything else, naming the text.
 */
export function parseDuration(text: string): number {
  const ms = readDuration(text);
  if (ms === null) {
    throw new DrumbeatError(
      'duration_invalid',
      `"${clip(text.trim())}" is not a duration Drumbeat understands.`,
      DURATION_EXAMPLE,
    );
  }
  checkDurationRange(ms, text, {
    range: DURATION_RANGE,
    subject: 'A duration must be',
    code: 'duration_invalid',
    example: DURATION_EXAMPLE,
  });
  return ms;
}

// The units of time that a misspelt one is corrected to, such as "minuts" to minutes.
const TIME_UNIT_WORDS = ['seconds', 'minutes', 'hours', 'days', 'weeks'];

/** Returns `text` with its misspelt units spelt right, when that reads as a duration. */
export function withUnitsSpelt(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((word) => closestOf(word.toLowerCase(), TIME_UNIT_WORDS) ?? word);
  const fixed = words.join(' ');
  return fixed !== text && readDuration(fixed) !== null ? fixed : null;
}
