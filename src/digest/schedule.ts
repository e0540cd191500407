// When a team's digest is posted: weekly on a weekday, daily, or never, at a local time.

import { closestOf } from '../bot/language/suggest.js';
import { DrumbeatError } from '../domain/errors.js';

export type DigestSchedule =
  | { cadence: 'off' }
  | { cadence: 'daily'; hour: number; minute: number }
  /** `weekday` is 0 for Sunday to 6 for Saturday, as in cron. */
  | { cadence: 'weekly'; weekday: number; hour: number; minute: number };

export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = {
  cadence: 'weekly',
  weekday: 1,
  hour: 9,
  minute: 0,
};

export const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/** The days of the week as a misspelt one is corrected to, lowercase. */
const DAY_WORDS = WEEKDAY_NAMES.map((name) => name.toLowerCase());

/** The times of day that `parseTimeOfDay` reads as words. */
const TIME_WORDS = new Set(['noon', 'midnight']);

const EXAMPLES = [
  '/drumbeat digest weekly friday 4pm',
  '/drumbeat digest daily 9am',
  '/drumbeat digest off',
];

/** Returns the five-field cron expression of a schedule, or null when it is off. */
export function digestCronPattern(schedule: DigestSchedule): string | null {
  if (schedule.cadence === 'off') return null;
  const day = schedule.cadence === 'weekly' ? String(schedule.weekday) : '*';
  return `${schedule.minute} ${schedule.hour} * * ${day}`;
}

function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Describes a schedule in words: "weekly on Monday at 09:00". */
export function describeDigestSchedule(schedule: DigestSchedule): string {
  if (schedule.cadence === 'off') return 'off';
  const at = clock(schedule.hour, schedule.minute);
  if (schedule.cadence === 'daily') return `daily at ${at}`;
  return `weekly on ${WEEKDAY_NAMES[schedule.weekday]} at ${at}`;
}

/** Returns the weekday a lowercase word names (`fri`, `friday`, `fridays`), 0 for Sunday, or null. */
function parseWeekday(text: string): number | null {
  const word = text.replace(/s$/, '');
  if (word.length < 3) return null;
  const index = WEEKDAY_NAMES.findIndex((name) => name.toLowerCase().startsWith(word));
  return index < 0 ? null : index;
}

/** Reads a time of day: `9am`, `4 pm`, `16:00`, `9:30am`, `noon`, `midnight`. */
function parseTimeOfDay(text: string): { hour: number; minute: number } {
  if (text === 'noon') return { hour: 12, minute: 0 };
  if (text === 'midnight') return { hour: 0, minute: 0 };
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(text.replace(/\s+/g, ''));
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2] ?? '0');
  const half = match?.[3];
  const valid =
    match !== null && minute < 60 && (half === undefined ? hour < 24 : hour >= 1 && hour <= 12);
  if (!valid) {
    throw new DrumbeatError(
      'time_invalid',
      `"${text}" is not a time of day Drumbeat can read: write it like 9am, 4pm or 16:30.`,
      EXAMPLES,
    );
  }
  if (half === undefined) return { hour, minute };
  return { hour: (hour % 12) + (half === 'pm' ? 12 : 0), minute };
}

/**
 * Parses the words after `digest`: `weekly [on] [<weekday>] [at] [<time>]`, `daily [at]
 * [<time>]` or `off`. A weekly digest without a weekday comes on Monday, and one without a
 * time at 09:00. Throws DrumbeatError with an example for anything else.
 */
export function parseDigestSchedule(text: string): DigestSchedule {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  const [cadence, ...rest] = words;
  if (cadence === 'off' || cadence === 'never' || cadence === 'stop') {
    if (rest.length === 0) return { cadence: 'off' };
  }
  if (cadence !== 'weekly' && cadence !== 'daily') {
    throw new DrumbeatError(
      'command_invalid',
      `"${text}" is not a digest schedule: start it with weekly, daily or off.`,
      EXAMPLES,
    );
  }
  const filler = new Set(['on', 'at', 'every']);
  let weekday: number | null = null;
  const timeWords: string[] = [];
  for (const word of rest) {
    if (filler.has(word)) continue;
    const day = parseWeekday(word);
    if (cadence === 'weekly' && day !== null && weekday === null && timeWords.length === 0) {
      weekday = day;
    } else {
      timeWords.push(word);
    }
  }
  const first = timeWords[0];
  if (cadence === 'daily' && first !== undefined && parseWeekday(first) !== null) {
    throw new DrumbeatError(
      'command_invalid',
      `A daily digest comes every day, so it takes no day: "${first}". For one day a week, use weekly.`,
      `/drumbeat digest weekly ${rest.join(' ')}`,
    );
  }
  // In a weekly digest, a first word that is no time of day was meant as its day.
  const isWord = first !== undefined && /^[a-z]+$/.test(first) && !TIME_WORDS.has(first);
  if (cadence === 'weekly' && weekday === null && isWord) {
    // A misspelt day, such as mondya, gets the user's text with the day spelt right.
    const day = closestOf(first, DAY_WORDS);
    const fixed =
      day === null
        ? null
        : ['weekly', ...rest.map((word) => (word === first ? day : word))].join(' ');
    throw new DrumbeatError(
      'command_invalid',
      `"${first}" is not a day of the week; write it like monday or fri.`,
      fixed === null ? EXAMPLES : [`/drumbeat digest ${fixed}`],
    );
  }
  let time = { hour: 9, minute: 0 };
  try {
    if (timeWords.length > 0) time = parseTimeOfDay(timeWords.join(' '));
  } catch (error) {
    // The examples keep the user's cadence and day, with a time that reads.
    if (!(error instanceof DrumbeatError)) throw error;
    const day = weekday === null ? '' : ` ${WEEKDAY_NAMES[weekday]!.toLowerCase()}`;
    const times = ['9am', '4pm'].map((at) => `/drumbeat digest ${cadence}${day} ${at}`);
    throw new DrumbeatError(error.code, error.message, times);
  }
  if (cadence === 'daily') return { cadence, ...time };
  return { cadence, weekday: weekday ?? 1, ...time };
}
