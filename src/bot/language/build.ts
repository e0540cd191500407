import { parseCronExpression } from '../../domain/cron.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/types.js';
import type { WordChange } from './alternatives.js';
import { type DefaultedPart, formatField, timeFields } from './build-times.js';
import { rejectWithExamples, type ScheduleParts } from './parts.js';
import { formatClock } from './times.js';
import { joinWords, UNIT_SECONDS } from './words.js';

// Turns the parts of a phrase into a schedule: a plain period becomes an interval, anything that
// names times of day, days or months becomes a cron expression in an IANA zone.

export const MIN_PERIOD_SECONDS = 1;
export const MAX_PERIOD_SECONDS = 366 * 86_400;

export interface BuiltSchedule {
  schedule: Schedule;
  warnings: string[];
  /** Changes of the phrase's words that give the other readings the warnings name. */
  changes: WordChange[];
}

function reject(message: string, examples: string | readonly string[]): never {
  throw new DrumbeatError('schedule_invalid', message, examples);
}

function needsCron(parts: ScheduleParts): boolean {
  return (
    parts.times.length > 0 ||
    parts.minuteOfHour !== null ||
    parts.start !== null ||
    parts.window !== null ||
    parts.weekdays !== null ||
    parts.exceptWeekdays !== null ||
    parts.monthDays !== null ||
    parts.nthWeekdays !== null ||
    parts.months !== null ||
    parts.period?.unit === 'month' ||
    parts.period?.unit === 'year' ||
    parts.period?.word === 'nightly'
  );
}

function intervalSchedule(parts: ScheduleParts): Schedule {
  let seconds: number;
  let text: string;
  if (parts.timesPerUnit !== null) {
    if (parts.period !== null) {
      reject(
        `"${parts.period.text}" and "${parts.timesPerUnit.text}" both say how often.`,
        'twice a day',
      );
    }
    seconds = UNIT_SECONDS[parts.timesPerUnit.unit] / parts.timesPerUnit.count;
    text = parts.timesPerUnit.text;
  } else if (parts.period !== null) {
    seconds = parts.period.seconds;
    text = parts.period.text;
  } else {
    reject('The text does not say when it runs.', ['every 15 minutes', 'every day at 2am']);
  }
  if (!Number.isInteger(seconds)) {
    reject(`"${text}" is not a whole number of seconds.`, 'every 90 seconds');
  }
  if (seconds < MIN_PERIOD_SECONDS) {
    reject(`A period must be at least 1 second, and "${text}" is shorter.`, 'every 30 seconds');
  }
  if (seconds > MAX_PERIOD_SECONDS) {
    reject(`A period must be at most 366 days, and "${text}" is longer.`, 'every 30 days');
  }
  return { kind: 'interval', periodSeconds: seconds };
}

function weekdaySet(parts: ScheduleParts): Set<number> | null {
  let days = parts.weekdays === null ? null : new Set(parts.weekdays.days);
  const except = parts.exceptWeekdays;
  if (except !== null) {
    days ??= new Set([0, 1, 2, 3, 4, 5, 6]);
    for (const day of except.days) days.delete(day);
    if (days.size === 0)
      reject(`"${except.text}" leaves no day to run on.`, 'every day except sunday');
  }
  return days;
}

function dayOfWeekField(parts: ScheduleParts): string {
  const days = weekdaySet(parts);
  const items: string[] = [];
  if (days !== null) items.push(formatField([...days], 0, 6));
  for (const item of parts.nthWeekdays?.items ?? []) {
    items.push(item.nth === 'last' ? `${item.weekday}L` : `${item.weekday}#${item.nth}`);
  }
  return items.length === 0 ? '*' : items.join(',');
}

function checkDayPeriod(parts: ScheduleParts): void {
  const period = parts.period;
  if (period === null) return;
  if ((period.unit === 'day' || period.unit === 'week') && period.count > 1) {
    rejectWithExamples(
      `"${period.text}" cannot be a cron schedule: cron counts days within each month, so runs would not stay ${period.count} ${period.unit}s apart. Use an interval instead.`,
      [`every ${period.count * (period.unit === 'week' ? 7 : 1)} days`, 'every 30 days'],
    );
  }
  if (period.unit === 'week' && parts.weekdays === null && parts.nthWeekdays === null) {
    reject(
      `"${period.text}" needs a day of the week for a time of day.`,
      'weekly on monday at 9am',
    );
  }
  if (period.unit === 'year' && period.count > 1) {
    reject(
      `"${period.text}" is longer than a year, the longest period.`,
      'yearly on january 1st at 9am',
    );
  }
}

function monthField(parts: ScheduleParts, defaults: Set<DefaultedPart>): string {
  const period = parts.period;
  if (parts.months !== null) return formatField([...parts.months.months], 1, 12);
  if (period?.unit === 'month' && period.count > 1) {
    if (12 % period.count !== 0 || !Number.isInteger(period.count)) {
      reject(
        `"${period.text}" does not divide the year evenly.`,
        'every 3 months on the 1st at 9am',
      );
    }
    const months: number[] = [];
    for (let month = 1; month <= 12; month += period.count) months.push(month);
    return months.join(',');
  }
  if (period?.unit === 'year') {
    defaults.add('month');
    return '1';
  }
  return '*';
}

function dayOfMonthField(parts: ScheduleParts, defaults: Set<DefaultedPart>): string {
  const monthDays = parts.monthDays;
  const unit = parts.period?.unit;
  if (monthDays === null) {
    const dayNamed =
      parts.weekdays !== null || parts.nthWeekdays !== null || parts.exceptWeekdays !== null;
    if ((unit === 'month' || unit === 'year') && !dayNamed) {
      defaults.add('day');
      return '1';
    }
    return '*';
  }
  if (parts.weekdays !== null || parts.nthWeekdays !== null || parts.exceptWeekdays !== null) {
    reject(
      `"${monthDays.text}" and "${parts.weekdays?.text ?? parts.nthWeekdays?.text ?? parts.exceptWeekdays?.text}" cannot be combined: cron would run on either kind of day, not on days that are both.`,
      'first monday of the month at 9am',
    );
  }
  const items = monthDays.days.size > 0 ? [formatField([...monthDays.days], 1, 31)] : [];
  if (monthDays.last) items.push('L');
  return items.join(',');
}

/** Says which parts were left out and what they became: "… so it runs on the 1st at 00:00." */
function defaultsNote(defaults: Set<DefaultedPart>): string {
  const names = { month: 'month', day: 'day of the month', time: 'time of day' };
  const missing = (['month', 'day', 'time'] as const).filter((part) => defaults.has(part));
  const runs: string[] = [];
  if (defaults.has('month')) runs.push(defaults.has('day') ? 'on 1 January' : 'in January');
  else if (defaults.has('day')) runs.push('on the 1st');
  if (defaults.has('time')) runs.push('at midnight (00:00)');
  return `No ${joinWords(
    missing.map((part) => names[part]),
    'or',
  )} was given, so it runs ${runs.join(' ')}.`;
}

/** Returns the words that add the parts left out, with an example value for each. */
function defaultsChange(defaults: Set<DefaultedPart>): WordChange {
  const words: string[] = [];
  const meanings: string[] = [];
  if (defaults.has('month') && defaults.has('day')) {
    words.push('on jun 15');
    meanings.push('15 June');
  } else if (defaults.has('month')) {
    words.push('in june');
    meanings.push('June');
  } else if (defaults.has('day')) {
    words.push('on the 15th');
    meanings.push('the 15th');
  }
  if (defaults.has('time')) {
    words.push('at 9am');
    meanings.push('09:00');
  }
  return { meaning: meanings.join(' at '), words: null, replacement: words.join(' ') };
}

function bareHourWarnings(parts: ScheduleParts, warnings: string[], changes: WordChange[]): void {
  const times = [...parts.times, parts.start, parts.window?.from].filter((time) => time != null);
  for (const time of times) {
    if (time.bareHour && time.hour >= 1 && time.hour <= 11) {
      warnings.push(`Read "${time.text}" as ${formatClock(time)} on a 24-hour clock.`);
      const afternoon = formatClock({ hour: time.hour + 12, minute: 0 });
      changes.push({ meaning: afternoon, words: time.text, replacement: `${time.hour}pm` });
    }
  }
}

/** Builds the schedule that the parts of a phrase describe, in `timezone` unless they name one. */
export function buildSchedule(parts: ScheduleParts, timezone: string): BuiltSchedule {
  const warnings: string[] = [];
  const changes: WordChange[] = [];
  if (parts.zone?.note) {
    warnings.push(parts.zone.note);
    changes.push(...parts.zone.changes);
  }
  if (!needsCron(parts)) return { schedule: intervalSchedule(parts), warnings, changes };

  bareHourWarnings(parts, warnings, changes);
  checkDayPeriod(parts);
  const defaults = new Set<DefaultedPart>();
  const [minute, hour] = timeFields(parts, warnings, defaults);
  const dayOfMonth = dayOfMonthField(parts, defaults);
  const month = monthField(parts, defaults);
  if (defaults.size > 0) {
    warnings.push(defaultsNote(defaults));
    changes.push(defaultsChange(defaults));
  }
  const expression = [minute, hour, dayOfMonth, month, dayOfWeekField(parts)].join(' ');
  // Rejects dates that never occur, such as `on the 30th of february`.
  parseCronExpression(expression);
  return {
    schedule: { kind: 'cron', expression, timezone: parts.zone?.zone ?? timezone },
    warnings,
    changes,
  };
}
