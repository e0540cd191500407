import { DrumbeatError } from './errors.js';

// The field syntax of Debian cron (numbers, names, `*`, ranges, lists and steps), plus the `L`
// and `#` forms that healthchecks' cronsim accepts: `L` in day-of-month, `5L` (last Friday) and
// `1#2` (second Monday) in day-of-week.

export const CRON_FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
export type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

interface FieldRange {
  name: CronFieldName;
  min: number;
  max: number;
  /** Three-letter names, indexed from `min`. */
  names: readonly string[];
}

const MONTH_NAMES = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const FIELD_RANGES: readonly FieldRange[] = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day-of-month', min: 1, max: 31, names: [] },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  // 7 is Sunday too, as in every cron.
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES },
];

// The step that the example shows for a step larger than its field: about half the field.
const EXAMPLE_STEPS = [30, 12, 15, 6, 3];

/** One field's values, and the special day forms where they apply. */
export interface ParsedField {
  values: Set<number>;
  /** `L` in day-of-month. */
  last: boolean;
  /** Weekdays of `5L` forms (last Friday of the month), 0 to 6. */
  lastWeekdays: Set<number>;
  /** `1#2` forms as weekday * 10 + n. */
  nthWeekdays: Set<number>;
  /** A `5/15` item: a start with a step and no end, which Debian cron rejects. */
  openStep: string | null;
}

/** The field being parsed, with the whole expression so that an error can show it fixed. */
interface FieldInput {
  range: FieldRange;
  fields: readonly string[];
  index: number;
  text: string;
}

function fieldError(
  input: FieldInput,
  reason: string,
  replacement?: string,
  before: readonly string[] = [],
): never {
  const fixed = input.fields.map((field, i) => (i === input.index ? replacement : field));
  const example = replacement === undefined ? 'cron "0 3 * * 1-5"' : `cron "${fixed.join(' ')}"`;
  throw new DrumbeatError(
    'schedule_invalid',
    `The ${input.range.name} field "${input.text}" is invalid: ${reason}.`,
    [...before, example],
  );
}

// Units of the fields whose steps a schedule of Drumbeat's own can take as an interval.
const INTERVAL_UNITS = ['minutes', 'hours'];

function parseNumber(input: FieldInput, token: string): number {
  const range = input.range;
  const nameIndex = range.names.indexOf(token.toLowerCase());
  if (nameIndex >= 0) return nameIndex + range.min;
  if (!/^\d+$/.test(token)) {
    fieldError(input, `"${token}" is not a number${range.names.length ? ' or a name' : ''}`);
  }
  const value = Number(token);
  if (value < range.min || value > range.max) {
    // The example brings the value, wherever the field gives it, to the nearest end of the range.
    // Hour 24 is midnight, the start of the next day, so it becomes 0.
    const wraps = value === 24 && range.name === 'hour';
    const nearest = String(wraps ? range.min : Math.min(Math.max(value, range.min), range.max));
    const fixed = input.text.replace(new RegExp(`(?<![0-9])${token}(?![0-9])`, 'g'), nearest);
    const items = [...new Set(fixed.split(','))].join(',');
    fieldError(input, `${value} is outside ${range.min}-${range.max}`, items);
  }
  return value;
}

function replaceItem(field: string, item: string, replacement: string): string {
  return field
    .split(',')
    .map((part) => (part === item ? replacement : part))
    .join(',');
}

function wrapHint(range: FieldRange, start: number, end: number): string {
  const top = range.name === 'day-of-week' ? 6 : range.max;
  const upper = start === top ? `${start}` : `${start}-${top}`;
  const lower = end === range.min ? `${end}` : `${range.min}-${end}`;
  return `${upper},${lower}`;
}

function parseRange(input: FieldInput, item: string, into: ParsedField): void {
  const range = input.range;
  const [span, stepText, extra] = item.split('/');
  if (extra !== undefined || span === undefined || span === '') {
    fieldError(input, `"${item}" is not a value, a range or a step`);
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
      fieldError(input, `the step "${stepText}" must be a whole number above 0`);
    }
    step = Number(stepText);
    if (step > range.max) {
      fieldError(
        input,
        `a step of ${step} is larger than the field (${range.min}-${range.max}), so only the first value would ever match`,
        replaceItem(input.text, item, `${span}/${EXAMPLE_STEPS[input.index]}`),
        // `*/90` in minutes is most likely a job that runs every 90 minutes, an interval.
        span === '*' && INTERVAL_UNITS[input.index] !== undefined
          ? [`every ${step} ${INTERVAL_UNITS[input.index]}`]
          : [],
      );
    }
  }
  let start = range.min;
  let end = range.max;
  if (span !== '*') {
    const [low, high] = span.split('-');
    start = parseNumber(input, low ?? '');
    if (high === undefined) {
      end = stepText === undefined ? start : range.max;
      if (stepText !== undefined) into.openStep = item;
    } else {
      end = parseNumber(input, high);
    }
    if (end < start) {
      const hint = wrapHint(range, start, end);
      fieldError(
        input,
        `the range ${span} runs backwards; cron ranges do not wrap around, write ${hint} instead`,
        stepText === undefined ? replaceItem(input.text, item, hint) : undefined,
      );
    }
  }
  for (let value = start; value <= end; value += step) {
    into.values.add(range.name === 'day-of-week' && value === 7 ? 0 : value);
  }
}

function parseDayForm(input: FieldInput, item: string, into: ParsedField): boolean {
  const range = input.range;
  const upper = item.toUpperCase();
  if (range.name === 'day-of-month' && upper === 'L') {
    into.last = true;
    return true;
  }
  if (range.name === 'day-of-week') {
    const lastMatch = /^(\w+)L$/i.exec(item);
    if (lastMatch) {
      into.lastWeekdays.add(parseNumber(input, lastMatch[1]!) % 7);
      return true;
    }
    const nthMatch = /^(\w+)#(\d+)$/.exec(item);
    if (nthMatch) {
      const nth = Number(nthMatch[2]);
      if (nth < 1 || nth > 5) {
        const nearest = `${nthMatch[1]}#${Math.min(Math.max(nth, 1), 5)}`;
        fieldError(
          input,
          `"#${nthMatch[2]}" must be #1 to #5`,
          replaceItem(input.text, item, nearest),
        );
      }
      into.nthWeekdays.add((parseNumber(input, nthMatch[1]!) % 7) * 10 + nth);
      return true;
    }
  }
  if (upper === '?') {
    fieldError(
      input,
      '"?" is Quartz syntax, which cron does not have; write *',
      replaceItem(input.text, item, '*'),
    );
  }
  if (/[LW#]/.test(upper) && !/^[A-Z]{3}$/.test(upper)) {
    fieldError(
      input,
      `"${item}" is not supported; Drumbeat understands L in day-of-month, and 5L and 1#2 in day-of-week`,
    );
  }
  return false;
}

/** Parses field `index` of a five-field expression. Throws `schedule_invalid`. */
export function parseCronField(fields: readonly string[], index: number): ParsedField {
  const input: FieldInput = { range: FIELD_RANGES[index]!, fields, index, text: fields[index]! };
  const parsed: ParsedField = {
    values: new Set(),
    last: false,
    lastWeekdays: new Set(),
    nthWeekdays: new Set(),
    openStep: null,
  };
  for (const item of input.text.split(',')) {
    if (item === '') fieldError(input, 'a list has an empty item');
    if (!parseDayForm(input, item, parsed)) parseRange(input, item, parsed);
  }
  return parsed;
}
