import { DrumbeatError } from '../../domain/errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const UNIT_WORDS: [RegExp, string][] = [
  [/^(s|secs?|seconds?)$/, 's'],
  [/^(m|mins?|minutes?)$/, 'm'],
  [/^(h|hrs?|hours?)$/, 'h'],
  [/^(d|days?)$/, 'd'],
  [/^(w|wks?|weeks?)$/, 'w'],
];

export const DURATION_EXAMPLE = '30s, 10 minutes, 2h, 1h30m';

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
 * Parses a duration such as `30s`, `10 minutes`, `2h`, `1h30m`, `1 hour 30 minutes`, `an hour`
 * or `1.5 days` into milliseconds. Throws `duration_invalid` for anything else, naming the text.
 */
export function parseDuration(text: string): number {
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
  if (total === 0 || consumed.replace(/\s+/g, '') !== rest) {
    throw new DrumbeatError(
      'duration_invalid',
      `"${text.trim()}" is not a duration Drumbeat understands.`,
      DURATION_EXAMPLE,
    );
  }
  return Math.round(total);
}
