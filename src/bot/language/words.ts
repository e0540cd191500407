// The vocabulary of schedules: numbers, ordinals, units, weekdays and months.

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  'forty-five': 45,
  sixty: 60,
  ninety: 90,
};

/** Reads `5`, `1.5` or `five` as a number; null for anything else. */
export function readNumber(word: string | undefined): number | null {
  if (word === undefined) return null;
  if (/^\d+(?:\.\d+)?$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? null;
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
};

/** Reads `1st`, `22nd`, `15th` or `first` to `fifth`; null for anything else. */
export function readOrdinal(word: string | undefined): number | null {
  if (word === undefined) return null;
  const match = /^(\d{1,2})(st|nd|rd|th)$/.exec(word);
  if (match) return Number(match[1]);
  return ORDINAL_WORDS[word] ?? null;
}

export const PERIOD_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

export const UNIT_SECONDS: Record<PeriodUnit, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
  // Months and years have no fixed length; they become cron schedules, never intervals.
  month: 0,
  year: 0,
};

const UNIT_WORDS: [RegExp, PeriodUnit][] = [
  [/^(s|secs?|seconds?)$/, 'second'],
  [/^(m|mins?|minutes?)$/, 'minute'],
  [/^(h|hrs?|hours?)$/, 'hour'],
  [/^(d|days?)$/, 'day'],
  [/^(w|wks?|weeks?)$/, 'week'],
  [/^(months?)$/, 'month'],
  [/^(y|yrs?|years?)$/, 'year'],
];

/** Reads a unit word: `min` and `minutes` are minutes, `m` is minutes (never months). */
export function readUnit(word: string | undefined): PeriodUnit | null {
  if (word === undefined) return null;
  for (const [pattern, unit] of UNIT_WORDS) if (pattern.test(word)) return unit;
  return null;
}

const WEEKDAY_PREFIXES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_FORMS = /^(sun|mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat)s?$/;
export const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/** Reads `monday`, `mondays`, `mon` or `tues` as 0 (Sunday) to 6; null otherwise. */
export function readWeekday(word: string | undefined): number | null {
  if (word === undefined) return null;
  const full = WEEKDAY_NAMES.findIndex((name) => {
    const lower = name.toLowerCase();
    return word === lower || word === `${lower}s`;
  });
  if (full >= 0) return full;
  if (!WEEKDAY_FORMS.test(word)) return null;
  return WEEKDAY_PREFIXES.indexOf(word.slice(0, 3));
}

export const MONTH_NAMES = [
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

/** Reads `january`, `jan` or `sept` as 1 to 12; null otherwise. */
export function readMonth(word: string | undefined): number | null {
  if (word === undefined) return null;
  const index = MONTH_NAMES.findIndex((name) => {
    const lower = name.toLowerCase();
    return (
      word === lower || word === lower.slice(0, 3) || (lower === 'september' && word === 'sept')
    );
  });
  return index >= 0 ? index + 1 : null;
}

/** Formats 1 as `1st`, 22 as `22nd`, 13 as `13th`. */
export function ordinal(value: number): string {
  const tens = value % 100;
  if (tens >= 11 && tens <= 13) return `${value}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][value % 10] ?? 'th';
  return `${value}${suffix}`;
}

/** Joins words as people list them: `a`, `a and b`, `a, b and c` (or `or`). */
export function joinWords(words: readonly string[], conjunction = 'and'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

/** Formats a time of day as `09:30`. */
export function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
