import type { CronExpression } from '../../domain/cron.js';
import { clock, joinWords, MONTH_NAMES, ordinal, WEEKDAY_NAMES } from './words.js';

// Cron in plain words: "at 09:30 on weekdays (Monday to Friday)", "every 15 minutes", "every
// minute from 09:00 to 09:59". Written for this project instead of cronstrue so that the words
// follow Drumbeat's reading of the day fields (the Vixie AND/OR rule) and the L and # forms.

const NTH_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/** Splits sorted values into runs of consecutive numbers. */
function runsOf(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const value of values) {
    const last = runs.at(-1);
    if (last !== undefined && last[1] === value - 1) last[1] = value;
    else runs.push([value, value]);
  }
  return runs;
}

function stepOf(values: readonly number[]): number | null {
  if (values.length < 3) return null;
  const step = values[1]! - values[0]!;
  return values.every((value, i) => i === 0 || value - values[i - 1]! === step) ? step : null;
}

function hourSpans(hours: readonly number[], minutes: readonly number[]): string {
  const spans = runsOf(hours).map(
    ([from, to]) => `from ${clock(from, minutes[0]!)} to ${clock(to, minutes.at(-1)!)}`,
  );
  return joinWords(spans);
}

function describeRepeatingMinutes(cron: CronExpression, step: number): string {
  const { minutes, hours } = cron;
  const every = step === 1 ? 'every minute' : `every ${step} minutes`;
  const offset = minutes[0] === 0 ? '' : ` starting at minute ${minutes[0]}`;
  if (hours.length === 24) return `${every}${offset}`;
  return `${every}${offset} ${hourSpans(hours, minutes)}`;
}

// The step of values that repeat through the whole cycle, as in */15 or 5-59/15; null otherwise.
function cycleStep(values: readonly number[], cycle: number): number | null {
  if (values.length === cycle) return 1;
  if (values.length < 2) return null;
  const step = values[1]! - values[0]!;
  const even = values.every((value, i) => i === 0 || value - values[i - 1]! === step);
  return even && values[0]! < step && values.at(-1)! + step >= cycle ? step : null;
}

function describeTimes(cron: CronExpression): string {
  const { minutes, hours } = cron;
  const minuteStep = cycleStep(minutes, 60);
  if (minuteStep !== null && (minuteStep === 1 || 60 % minuteStep === 0)) {
    return describeRepeatingMinutes(cron, minuteStep);
  }
  const at =
    minutes.length === 1 && minutes[0] !== 0 ? `at ${minutes[0]} minutes past` : 'on the hour';
  if (minutes.length === 1 && hours.length === 24) return `every hour, ${at}`;
  const hourStep = cycleStep(hours, 24);
  if (minutes.length === 1 && hourStep !== null && hours[0] === 0 && 24 % hourStep === 0) {
    return `every ${hourStep} hours, ${at}`;
  }
  if (minutes.length * hours.length <= 8) {
    const times = hours.flatMap((hour) => minutes.map((minute) => clock(hour, minute)));
    return `at ${joinWords(times)}`;
  }
  const past =
    minutes.length === 1
      ? `every hour, ${at}`
      : `at minutes ${joinWords(minutes.map(String))} past the hour`;
  return hours.length === 24 ? past : `${past}, ${hourSpans(hours, minutes)}`;
}

function describeWeekdays(days: readonly number[]): string {
  const key = days.join(',');
  if (key === '1,2,3,4,5') return 'on weekdays (Monday to Friday)';
  if (key === '0,6') return 'on weekends (Saturday and Sunday)';
  if (days.length === 1) return `on ${WEEKDAY_NAMES[days[0]!]}s`;
  const runs = runsOf(days);
  if (runs.length === 1 && days.length >= 3) {
    return `from ${WEEKDAY_NAMES[runs[0]![0]]} to ${WEEKDAY_NAMES[runs[0]![1]]}`;
  }
  return `on ${joinWords(days.map((day) => WEEKDAY_NAMES[day]!))}`;
}

function describeDayOfWeek(cron: CronExpression): string {
  const field = cron.dayOfWeek;
  const parts: string[] = [];
  if (field.values.size > 0) parts.push(describeWeekdays([...field.values].sort((a, b) => a - b)));
  const special: string[] = [];
  for (const code of [...field.nthWeekdays].sort((a, b) => a - b)) {
    special.push(`the ${NTH_WORDS[code % 10]} ${WEEKDAY_NAMES[Math.floor(code / 10)]}`);
  }
  for (const day of [...field.lastWeekdays].sort((a, b) => a - b)) {
    special.push(`the last ${WEEKDAY_NAMES[day]}`);
  }
  if (special.length > 0) parts.push(`on ${joinWords(special)} of the month`);
  return joinWords(parts);
}

function describeDayOfMonth(cron: CronExpression, ofMonths: string): string {
  const days = [...cron.dayOfMonth.values].sort((a, b) => a - b);
  const step = stepOf(days);
  if (step !== null && step > 1 && days.length > 3) {
    const sample = `${days.slice(0, 3).join(', ')}, …, ${days.at(-1)}`;
    return `on every ${ordinal(step)} day of ${ofMonths} from the ${ordinal(days[0]!)} (${sample})`;
  }
  const items = runsOf(days).flatMap(([from, to]) => {
    if (to - from >= 2) return [`days ${from} to ${to}`];
    return from === to ? [ordinal(from)] : [ordinal(from), ordinal(to)];
  });
  if (cron.dayOfMonth.last) items.push('last day');
  const onlyRanges = items.every((item) => item.startsWith('days'));
  return `on ${onlyRanges ? '' : 'the '}${joinWords(items)} of ${ofMonths}`;
}

/** Weekdays as the noun in "if that day is …": "a weekday (Monday to Friday)", "a Monday". */
function weekdayNoun(cron: CronExpression): string {
  const field = cron.dayOfWeek;
  const days = [...field.values].sort((a, b) => a - b);
  const nouns: string[] = [];
  if (days.join(',') === '1,2,3,4,5') nouns.push('a weekday (Monday to Friday)');
  else if (days.length > 0)
    nouns.push(
      `a ${joinWords(
        days.map((day) => WEEKDAY_NAMES[day]!),
        'or',
      )}`,
    );
  for (const code of [...field.nthWeekdays].sort((a, b) => a - b)) {
    nouns.push(`the ${NTH_WORDS[code % 10]} ${WEEKDAY_NAMES[Math.floor(code / 10)]} of the month`);
  }
  for (const day of [...field.lastWeekdays].sort((a, b) => a - b)) {
    nouns.push(`the last ${WEEKDAY_NAMES[day]} of the month`);
  }
  return joinWords(nouns, 'or');
}

function monthList(cron: CronExpression): string | null {
  const months = [...cron.months].sort((a, b) => a - b);
  if (months.length === 12) return null;
  const runs = runsOf(months);
  if (runs.length === 1 && months.length >= 3) {
    return `${MONTH_NAMES[runs[0]![0] - 1]} to ${MONTH_NAMES[runs[0]![1] - 1]}`;
  }
  return joinWords(months.map((month) => MONTH_NAMES[month - 1]!));
}

/** Describes the days on which cron runs: "every day", "on Mondays", "on days 2 to 8 … or …". */
export function describeDays(cron: CronExpression): string {
  const [, , dayOfMonthText, , dayOfWeekText] = cron.fields;
  const months = monthList(cron);
  const inMonths = months === null ? '' : ` in ${months}`;
  if (dayOfWeekText === '*' && dayOfMonthText !== '*') {
    return describeDayOfMonth(cron, months ?? 'every month');
  }
  if (dayOfMonthText === '*') {
    return `${dayOfWeekText === '*' ? 'every day' : describeDayOfWeek(cron)}${inMonths}`;
  }
  const dayOfMonth = describeDayOfMonth(cron, 'the month');
  if (cron.daysMustMatchBoth)
    return `${dayOfMonth}, if that day is ${weekdayNoun(cron)}${inMonths}`;
  return `${dayOfMonth} or ${describeDayOfWeek(cron)}${inMonths}`;
}

/** Describes a parsed cron expression in plain words, without its zone. */
export function describeCron(cron: CronExpression): string {
  const times = describeTimes(cron);
  const days = describeDays(cron);
  // "every 15 minutes" needs no "every day" after it; "at 02:00 every day" does.
  if (days === 'every day' && /^(every|at minutes) /.test(times)) return times;
  return `${times} ${days}`;
}
