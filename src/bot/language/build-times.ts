import { DrumbeatError } from '../../domain/errors.js';
import { rejectWithExamples, type ScheduleParts } from './parts.js';
import { type ClockTime, formatClock } from './times.js';
import { joinWords } from './words.js';

// Turns the time-of-day parts of a phrase into cron's minute and hour fields. Fixed times are
// written as lists and ranges (`0 1,7,13,19`), never as `*/6`, because Debian cron treats an
// hour field that starts with `*` as real time and would run it twice when clocks go back.

const DAY_MINUTES = 1440;
const CALENDAR_UNITS: readonly string[] = ['day', 'week', 'month', 'year'];

function reject(message: string, example: string): never {
  throw new DrumbeatError('schedule_invalid', message, example);
}

/** Formats field values compactly: `*`, `9-17`, `0,30`, `8-18/2`, `1-3,7`. */
export function formatField(values: readonly number[], min: number, max: number): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === max - min + 1) return '*';
  const step = (sorted[1] ?? 0) - sorted[0]!;
  const isProgression = sorted.every((value, i) => i === 0 || value - sorted[i - 1]! === step);
  if (isProgression && step > 1 && sorted.length > 4) {
    return `${sorted[0]}-${sorted.at(-1)}/${step}`;
  }
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) runs.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) runs.push(String(sorted[k]));
    i = j + 1;
  }
  return runs.join(',');
}

/** Splits minutes-of-day into cron's minute and hour fields, when one cron line can hold them. */
function crossProduct(minutesOfDay: number[], text: string): [string, string] {
  const unique = [...new Set(minutesOfDay)].sort((a, b) => a - b);
  const hours = [...new Set(unique.map((value) => Math.floor(value / 60)))];
  const minutes = [...new Set(unique.map((value) => value % 60))];
  if (hours.length * minutes.length !== unique.length) {
    const times = unique
      .slice(0, 4)
      .map((value) => formatClock({ hour: Math.floor(value / 60), minute: value % 60 }));
    reject(
      `"${text}" gives ${joinWords(times)}${unique.length > 4 ? ' and more' : ''}, which one cron line cannot hold: cron runs each listed minute in each listed hour. Use times that share their minutes, or two monitors.`,
      'twice a day at 8:30am and 8:30pm',
    );
  }
  return [formatField(minutes, 0, 59), formatField(hours, 0, 23)];
}

function minuteOf(time: ClockTime): number {
  return time.hour * 60 + time.minute;
}

function fixedTimes(parts: ScheduleParts): [string, string] {
  const period = parts.period;
  // `daily at 9am`, `weekly on monday at 9am` and `monthly on the 1st at 6am` give a day cycle.
  const isDayCycle =
    period !== null &&
    (period.unit === 'month' || (period.count === 1 && CALENDAR_UNITS.includes(period.unit)));
  if (period !== null && !isDayCycle) {
    const text = `${period.text} at ${parts.times[0]!.text}`;
    if (period.unit === 'day' || period.unit === 'week') {
      rejectWithExamples(
        `"${text}" cannot be a cron schedule: cron counts days within each month, so runs would not stay ${period.count} ${period.unit}s apart. Use an interval instead.`,
        [`every ${period.count * (period.unit === 'week' ? 7 : 1) * 24} hours`, 'every 30 days'],
      );
    }
    rejectWithExamples(`"${text}" gives both a period and a time of day.`, [
      `${period.text} starting at ${parts.times[0]!.text}`,
      `${period.text} from ${parts.times[0]!.text} to 5pm`,
      period.text,
    ]);
  }
  const perUnit = parts.timesPerUnit;
  if (perUnit !== null && (perUnit.unit !== 'day' || perUnit.count !== parts.times.length)) {
    reject(
      `"${perUnit.text}" does not match the ${parts.times.length} time${parts.times.length === 1 ? '' : 's'} given.`,
      'twice a day at 8am and 8pm',
    );
  }
  const text = parts.times.map((time) => time.text).join(' and ');
  return crossProduct(parts.times.map(minuteOf), text);
}

function periodMinutes(
  parts: ScheduleParts,
  what: string,
): { minutes: number; unit: 'minute' | 'hour' } {
  const period = parts.period;
  if (
    period === null ||
    (period.unit !== 'minute' && period.unit !== 'hour' && period.unit !== 'second')
  ) {
    reject(
      `"${what}" needs a period in minutes or hours before it.`,
      'every 30 minutes from 9am to 5pm',
    );
  }
  const minutes = period.seconds / 60;
  if (!Number.isInteger(minutes) || minutes < 1) {
    reject(
      `"${period.text}" is not a whole number of minutes, and cron runs at most once a minute.`,
      'every 1 minute',
    );
  }
  return { minutes, unit: minutes % 60 === 0 ? 'hour' : 'minute' };
}

/** A sub-hour step must divide the hour, so that cron's step form keeps the runs evenly spaced. */
function checkMinuteStep(minutes: number, text: string): void {
  if (60 % minutes !== 0) {
    rejectWithExamples(
      `"${text}" cannot be a cron schedule: cron repeats within each hour, so the step must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes). For an interval, leave out the times and days.`,
      [`every ${minutes} minutes`, 'every 30 minutes'],
    );
  }
}

function windowTimes(parts: ScheduleParts, warnings: string[]): [string, string] {
  const window = parts.window!;
  const step = periodMinutes(parts, window.text);
  let to = window.to;
  if (to.bareHour && window.from.hour >= to.hour && to.hour < 12) {
    to = { ...to, hour: to.hour + 12 };
    warnings.push(`Read "${window.to.text}" as ${formatClock(to)}.`);
  }
  const from = minuteOf(window.from);
  const end = minuteOf(to) <= from ? minuteOf(to) + DAY_MINUTES : minuteOf(to);
  if (end > DAY_MINUTES && parts.weekdays !== null) {
    reject(
      `"${window.text}" crosses midnight, which cron cannot tie to days of the week.`,
      'every 15 minutes from 9am to 5pm on weekdays',
    );
  }
  if (step.unit === 'minute') checkMinuteStep(step.minutes, parts.period!.text);

  // Sub-hour steps stop before the end (`to 5pm` ends at 16:45); hourly steps include it.
  const times: number[] = [];
  for (let m = from; step.unit === 'minute' ? m < end : m <= end; m += step.minutes)
    times.push(m % DAY_MINUTES);
  const [minute, hour] = crossProduct(times, `${parts.period!.text} ${window.text}`);
  const everyStep = times.length > 0 && minute === formatField(range(0, 59, step.minutes), 0, 59);
  return [
    step.unit === 'minute' && everyStep && step.minutes > 1 ? `*/${step.minutes}` : minute,
    hour,
  ];
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function startTimes(parts: ScheduleParts, warnings: string[]): [string, string] {
  const start = parts.start!;
  const step = periodMinutes(parts, start.text);
  if (step.unit === 'minute') {
    // An end time helps only when the step divides the hour; otherwise no window is cron.
    checkMinuteStep(step.minutes, `${parts.period!.text} ${start.text}`);
    const from = start.text.replace(/^\w+\s+(at\s+)?/, '');
    rejectWithExamples(`"${parts.period!.text} ${start.text}" needs an end time for cron.`, [
      `${parts.period!.text} from ${from} to 5pm`,
      'every 30 minutes from 9am to 5pm',
    ]);
  }
  const times = range(minuteOf(start), DAY_MINUTES - 1, step.minutes);
  const hours = step.minutes / 60;
  if (24 % hours !== 0) {
    const last = times.at(-1)!;
    const gap = (DAY_MINUTES - last + times[0]!) / 60;
    warnings.push(
      `The last run of each day is at ${formatClock({ hour: Math.floor(last / 60), minute: last % 60 })}; the next is at ${formatClock(start)} the day after, ${gap} hours later.`,
    );
  }
  return crossProduct(times, `${parts.period!.text} ${start.text}`);
}

function minuteOfHourTimes(parts: ScheduleParts): [string, string] {
  const minute = String(parts.minuteOfHour!.minute);
  const period = parts.period;
  if (period === null) return [minute, '*'];
  const step = periodMinutes(parts, parts.minuteOfHour!.text);
  if (step.unit !== 'hour') {
    reject(
      `"${period.text} ${parts.minuteOfHour!.text}" gives a minute of the hour to a period shorter than an hour.`,
      'hourly at :15',
    );
  }
  const hours = step.minutes / 60;
  if (hours > 23) {
    reject(`"${period.text}" is a day or more; give a time of day instead.`, 'every day at 2am');
  }
  return [minute, hours === 1 ? '*' : `*/${hours}`];
}

function repeatingTimes(parts: ScheduleParts): [string, string] {
  const step = periodMinutes(parts, parts.period!.text);
  if (step.unit === 'minute') {
    checkMinuteStep(step.minutes, parts.period!.text);
    return [step.minutes === 1 ? '*' : `*/${step.minutes}`, '*'];
  }
  const hours = step.minutes / 60;
  if (hours > 23) {
    reject(
      `"${parts.period!.text}" is a day or more, which cron cannot repeat with the days given.`,
      'every monday at 9am',
    );
  }
  return ['0', hours === 1 ? '*' : `*/${hours}`];
}

/** A part that the phrase left out and that got a default: January, the 1st, midnight. */
export type DefaultedPart = 'month' | 'day' | 'time';

/** Returns cron's minute and hour fields for the phrase. */
export function timeFields(
  parts: ScheduleParts,
  warnings: string[],
  defaults: Set<DefaultedPart>,
): [string, string] {
  if (parts.times.length > 0) {
    if (parts.minuteOfHour !== null || parts.start !== null || parts.window !== null) {
      reject(
        `"${parts.times[0]!.text}" cannot be combined with another time clause.`,
        'every day at 2am',
      );
    }
    return fixedTimes(parts);
  }
  if (parts.minuteOfHour !== null) return minuteOfHourTimes(parts);
  if (parts.window !== null) return windowTimes(parts, warnings);
  if (parts.start !== null) return startTimes(parts, warnings);
  const unit = parts.period?.unit;
  if (unit === 'second' || unit === 'minute' || unit === 'hour') return repeatingTimes(parts);
  if (parts.period?.word === 'nightly' || parts.timesPerUnit !== null) {
    const text = parts.period?.text ?? parts.timesPerUnit!.text;
    rejectWithExamples(`"${text}" needs a time of day.`, [
      `${text} at 2am`,
      'twice a day at 8am and 8pm',
    ]);
  }
  defaults.add('time');
  return ['0', '0'];
}
