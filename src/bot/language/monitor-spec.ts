import { DrumbeatError } from '../../domain/errors.js';
import { applyChange, keepParsing, type WordChange } from './alternatives.js';
import { assertQuotesClosed, readCronText } from './cron-text.js';
import {
  checkDurationRange,
  DURATION_RANGE,
  type RangeRule,
  readDuration,
  withUnitsSpelt,
} from './duration.js';
import { withClippedErrors } from './echo.js';
import { parseSchedule } from './schedule.js';
import { otherZoneChanges, readZoneName, ZONE_EXAMPLES, type ZoneReading } from './timezone.js';
import { Cursor, straightenQuotes, tokenize } from './tokens.js';
import type { Alternative, LanguageContext, MonitorSpec, ParsedSchedule } from './types.js';

// Splits `<schedule> [grace D] [max runtime D] [in #channel] [tz zone]` into the schedule and its
// options. Options may come in any order after the schedule, or between its words.

type OptionName = 'grace' | 'maxRuntime' | 'channel' | 'tz';

// No channel in it: "in #ops" works in chat, but a shell reads "#" as the start of a comment.
const OPTION_EXAMPLE = 'new backup every day at 2am grace 30m max runtime 2h tz Europe/Berlin';

/** Reads the option name at the cursor, moving past it. */
function readOptionName(cursor: Cursor): OptionName | null {
  if (cursor.accept('grace')) {
    cursor.accept('period');
    cursor.accept('of');
    return 'grace';
  }
  if (
    cursor.accept('max-runtime', 'max_runtime', 'maxruntime') ||
    cursor.acceptAll('max', 'runtime') ||
    cursor.acceptAll('max', 'run', 'time')
  ) {
    cursor.accept('of');
    return 'maxRuntime';
  }
  if (cursor.peek() === 'in' && /^(#|<#)/.test(cursor.quote(cursor.index + 1, cursor.index + 2))) {
    cursor.next();
    return 'channel';
  }
  if (cursor.accept('tz', 'timezone')) return 'tz';
  return null;
}

const DURATION_RULES: Record<'grace' | 'maxRuntime', RangeRule> = {
  grace: {
    range: DURATION_RANGE,
    subject: 'The grace period must be',
    code: 'duration_invalid',
    example: 'grace 10 minutes',
  },
  maxRuntime: {
    range: DURATION_RANGE,
    subject: 'The maximum run time must be',
    code: 'duration_invalid',
    example: 'max runtime 2h',
  },
};

// Words that may follow a duration without a unit, because they start an option or a schedule.
const WORDS_AFTER_DURATION = new Set([
  ...['grace', 'max', 'tz', 'timezone', 'in', 'every', 'at', 'on', 'from', 'and', 'cron'],
  ...['hourly', 'daily', 'weekly', 'monthly', 'yearly', 'weekdays', 'weekends'],
]);

function isUnknownUnit(word: string): boolean {
  return /^[a-z]+$/i.test(word) && !WORDS_AFTER_DURATION.has(word.toLowerCase());
}

/** Reads the longest run of up to four words that reads as a duration, and checks its range. */
function readDurationWords(cursor: Cursor, name: 'grace' | 'maxRuntime', nameText: string) {
  for (let length = Math.min(4, cursor.tokens.length - cursor.index); length >= 1; length--) {
    const text = cursor.quote(cursor.index, cursor.index + length);
    const ms = readDuration(text);
    // A shorter run may still be one: `grace 30m every day` must not read `every` as part of it.
    if (ms === null) continue;
    checkDurationRange(ms, text, DURATION_RULES[name]);
    cursor.index += length;
    return ms;
  }
  const rest = cursor.rest();
  const number = /^\d+(\.\d+)?$/.exec(cursor.quote(cursor.index, cursor.index + 1));
  const option = name === 'grace' ? 'grace' : 'max runtime';
  let message = `"${nameText}" needs a duration after it, and "${rest}" is not one.`;
  // The option with a value, which the command's examples put in place of the user's.
  let example = name === 'grace' ? 'grace 30m' : 'max runtime 2h';
  if (rest === '') message = `"${nameText}" needs a duration after it.`;
  else if (number !== null) {
    const value = number[0];
    const next = cursor.quote(cursor.index + 1, cursor.index + 2);
    // A word after the number that starts no option or schedule was meant as its unit.
    const unknownUnit = isUnknownUnit(next);
    message = unknownUnit
      ? `"${next}" in "${nameText} ${value} ${next}" is not a unit of time: write ${value}s, ${value}m or ${value}h.`
      : `"${nameText} ${value}" has no unit: write ${value}s, ${value}m or ${value}h.`;
    // The example keeps the user's number, with the unit they misspelt, or else minutes.
    const spelt = unknownUnit ? withUnitsSpelt(`${value} ${next}`) : null;
    example = spelt === null ? `${option} ${value}m` : `${option} ${spelt}`;
  }
  throw new DrumbeatError('duration_invalid', message, example);
}

/** `#ops` is a name; Slack's `<#C123|ops>` and Discord's `<#123>` carry the channel id. */
function channelOf(raw: string): string {
  const mention = /^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(raw);
  if (mention) return mention[1]!;
  return raw.replace(/^#/, '');
}

/** Reads the zone after `tz`, with the words that name it. */
function readZoneWords(cursor: Cursor): { reading: ZoneReading; words: string } {
  for (let length = Math.min(3, cursor.tokens.length - cursor.index); length >= 1; length--) {
    const words = cursor.quote(cursor.index, cursor.index + length);
    const reading = readZoneName(words);
    if (reading !== null) {
      cursor.index += length;
      return { reading, words };
    }
  }
  const rest = cursor.rest();
  throw new DrumbeatError(
    'timezone_invalid',
    rest === '' ? 'tz needs a time zone after it.' : `"${rest}" is not an IANA time zone.`,
    ZONE_EXAMPLES,
  );
}

/** Reads an option name like readOptionName, and also `time zone`, which a schedule may use. */
function readOptionOrZoneName(cursor: Cursor): OptionName | null {
  return readOptionName(cursor) ?? (cursor.acceptAll('time', 'zone') ? 'tz' : null);
}

// The maximum number of words an option's value may take: four for a duration, three for a zone.
const MAX_VALUE_WORDS = 4;

/**
 * Returns texts made from `source` by putting `example`, an option with its value such as
 * `tz UTC`, in place of that option and the words after it. One to four words are replaced, or
 * none when the next word starts another option. Only a text that parses shows which words were
 * the value, so the caller keeps the first one that parses. Returns null when `example` does
 * not start with an option name, and [] when `source` does not give the option.
 */
export function withOptionReplaced(source: string, example: string): string[] | null {
  const option = readOptionOrZoneName(new Cursor(tokenize(example), example));
  if (option === null || option === 'channel') return null;
  const cursor = new Cursor(tokenize(source), source);
  const { tokens } = cursor;
  const texts: string[] = [];
  for (let start = 0; start < tokens.length; start++) {
    cursor.index = start;
    if (readOptionOrZoneName(cursor) !== option) continue;
    const valueStart = cursor.index;
    const valueWords = Math.min(MAX_VALUE_WORDS, tokens.length - valueStart);
    const valueMissing = valueWords === 0 || readOptionOrZoneName(cursor) !== null;
    const lengths = valueMissing ? [0] : Array.from({ length: valueWords }, (_, i) => i + 1);
    const before = source.slice(0, tokens[start]!.start);
    for (const length of lengths) {
      const next = tokens[valueStart + length];
      const after = next === undefined ? '' : source.slice(next.start);
      texts.push(`${before}${example} ${after}`.trim());
    }
  }
  return texts;
}

interface Options {
  graceMs?: number;
  maxRuntimeMs?: number;
  channel?: string;
  timezone?: string;
  /** The note on how the zone of `tz` was read, when its name has other meanings. */
  zoneNote?: string;
  /** Changes of the zone's name to the other zones it may mean. */
  zoneChanges?: WordChange[];
}

interface SplitText {
  schedule: string;
  /** The options with their values as typed, in their order, one space between them. */
  optionText: string;
  options: Options;
}

function readOptionValue(
  cursor: Cursor,
  name: OptionName,
  nameText: string,
  options: Options,
): void {
  if (name === 'grace') options.graceMs = readDurationWords(cursor, name, nameText);
  else if (name === 'maxRuntime') options.maxRuntimeMs = readDurationWords(cursor, name, nameText);
  else if (name === 'tz') {
    const { reading, words } = readZoneWords(cursor);
    options.timezone = reading.zone;
    if (reading.note !== null) options.zoneNote = reading.note;
    options.zoneChanges = otherZoneChanges(reading, words);
  } else {
    options.channel = channelOf(cursor.quote(cursor.index, cursor.index + 1));
    cursor.next();
  }
}

/** Joins tokens as the user typed them, one space between separate runs. */
function joinTokens(cursor: Cursor, indexes: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    runs.push(cursor.quote(indexes[i]!, indexes[j]! + 1));
    i = j + 1;
  }
  return runs.join(' ');
}

function splitOptions(source: string): SplitText {
  const cursor = new Cursor(tokenize(source), source);
  const options: Options = {};
  const given = new Set<OptionName>();
  const scheduleTokens: number[] = [];
  const optionTokens: number[] = [];
  // A cron expression is read from the raw text, so its fields never count as options. The
  // schedule keeps the cron text as typed, because tokenize() drops a `?` on its own.
  const cronText = readCronText(source);
  const cronSource = cronText === null ? '' : source.slice(0, cronText.end).trim();
  if (cronText !== null) cursor.skipTo(cronText.end);
  while (!cursor.done) {
    const start = cursor.index;
    const name = readOptionName(cursor);
    if (name === null) {
      scheduleTokens.push(start);
      cursor.next();
      continue;
    }
    if (given.has(name)) {
      throw new DrumbeatError(
        'command_invalid',
        `The option "${cursor.quote(start)}" is given twice.`,
        OPTION_EXAMPLE,
      );
    }
    given.add(name);
    readOptionValue(cursor, name, cursor.quote(start), options);
    for (let i = start; i < cursor.index; i++) optionTokens.push(i);
  }
  const rest = joinTokens(cursor, scheduleTokens);
  return {
    schedule: cronSource === '' ? rest : `${cronSource} ${rest}`.trim(),
    optionText: joinTokens(cursor, optionTokens),
    options,
  };
}

/**
 * Parses `<schedule> [grace D] [max runtime D] [in #channel] [tz zone]`. Grace and maximum run
 * time are 1 second to 366 days. Errors quote the user's text, cut to about 80 characters.
 */
export function parseMonitorSpec(text: string, ctx: LanguageContext): MonitorSpec {
  return withClippedErrors(() => {
    const spec = parseSpec(straightenQuotes(text.trim()), ctx);
    const parses = (candidate: string) => {
      try {
        parseSpec(candidate, ctx);
        return true;
      } catch {
        return false;
      }
    };
    return { ...spec, alternatives: keepParsing(spec.alternatives, parses) };
  });
}

/** Tells whether `text` parses as a monitor's schedule and options, such as for an example. */
export function isMonitorSpec(text: string, ctx: LanguageContext): boolean {
  try {
    parseMonitorSpec(text, ctx);
    return true;
  } catch {
    return false;
  }
}

// An option written with dashes, as on a command line: `--grace 5m` for `grace 5m`.
const OPTION_WORDS = '(grace|max|tz|timezone|in)\\b';
const DASHED_OPTION = new RegExp(`(^|\\s)(--?)${OPTION_WORDS}`, 'i');
const DASHED_OPTIONS = new RegExp(`(^|\\s)--?${OPTION_WORDS}(=?)`, 'gi');

/**
 * Returns a schedule error whose examples keep the options the user gave after the schedule, so
 * that "every 5 minuts grace 10m" suggests "every 5 minutes grace 10m". A schedule with options
 * between its words is left as it is.
 */
function withOptionsKept(error: unknown, source: string, scheduleText: string): unknown {
  if (!(error instanceof DrumbeatError)) return error;
  if (error.code !== 'schedule_invalid' || !source.startsWith(scheduleText)) return error;
  const options = source.slice(scheduleText.length).trim();
  if (options === '') return error;
  const examples = error.examples.map((example) => `${example} ${options}`);
  return new DrumbeatError(error.code, error.message, examples);
}

// `timeout 2h`: healthchecks.io's name for the time between runs, and other tools' for the
// longest a run may take. The word and the duration after it, of one or two words.
const TIMEOUT_OPTION = /(^|\s)time[-_]?out\s+(\S+(?:\s+\S+)?)/i;

/** Rejects a `timeout` option, which means different things in other tools, with both readings. */
function rejectTimeoutOption(source: string): void {
  const match = TIMEOUT_OPTION.exec(source);
  if (match === null) return;
  const words = match[2]!.split(/\s+/);
  const duration = [words.join(' '), words[0]!].find((text) => readDuration(text) !== null);
  if (duration === undefined) return;
  const start = match.index + match[1]!.length;
  const word = source.slice(start).split(/\s/, 1)[0]!;
  const replaced = `${source.slice(0, start)}max runtime ${source.slice(start + word.length).trim()}`;
  throw new DrumbeatError(
    'command_invalid',
    `"${word}" is not an option. For the longest a run may take, write "max runtime ${duration}". ` +
      `The time between runs is the schedule, such as "every ${duration}".`,
    replaced,
  );
}

function parseSpec(source: string, ctx: LanguageContext): MonitorSpec {
  assertQuotesClosed(source);
  const dashed = DASHED_OPTION.exec(source);
  if (dashed) {
    const option = dashed[3]!.toLowerCase();
    throw new DrumbeatError(
      'command_invalid',
      `Options are words without dashes: write "${option}", not "${dashed[2]}${dashed[3]}".`,
      // `--grace=5m` becomes `grace 5m`.
      source.replace(DASHED_OPTIONS, (_match, lead: string, word: string, equals: string) =>
        equals === '' ? `${lead}${word}` : `${lead}${word} `,
      ),
    );
  }
  rejectTimeoutOption(source);
  const { schedule: scheduleText, optionText, options } = splitOptions(source);
  if (scheduleText.trim().length === 0) {
    throw new DrumbeatError(
      'schedule_invalid',
      'The schedule is missing.',
      'new backup every 1 hour grace 10 minutes',
    );
  }
  const timezone = options.timezone ?? null;
  let schedule: ParsedSchedule;
  try {
    schedule = parseSchedule(scheduleText, { ...ctx, timezone: timezone ?? ctx.timezone });
  } catch (error) {
    throw withOptionsKept(error, source, scheduleText.trim());
  }
  if (
    timezone !== null &&
    schedule.schedule.kind === 'cron' &&
    schedule.schedule.timezone !== timezone
  ) {
    throw new DrumbeatError(
      'timezone_invalid',
      `The text names two zones: ${schedule.schedule.timezone} in the schedule and ${timezone} after tz.`,
      'every day at 9am tz America/Los_Angeles',
    );
  }
  // The alternatives of the schedule get the options after them. Those of the zone after tz
  // change its name where the user typed it.
  const alternatives: Alternative[] = [
    ...(options.zoneChanges ?? []).flatMap((change) => applyChange(source, change) ?? []),
    ...schedule.alternatives.map((alternative) => ({
      ...alternative,
      text: `${alternative.text} ${optionText}`.trim(),
    })),
  ];
  const zoneNote = options.zoneNote;
  const warnings =
    zoneNote === undefined || schedule.warnings.includes(zoneNote)
      ? [...schedule.warnings]
      : [zoneNote, ...schedule.warnings];
  if (timezone !== null && schedule.schedule.kind === 'interval') {
    // An interval counts from each ping, so a zone changes nothing, and saying so avoids a
    // user who thinks the runs are at fixed times of day there.
    warnings.push(
      `An interval counts from each ping, so "tz ${timezone}" changes nothing here. For runs at ` +
        'fixed times in a zone, give times: every day at 2am tz Europe/Berlin.',
    );
  }
  return {
    schedule: { ...schedule, warnings },
    graceMs: options.graceMs ?? null,
    maxRuntimeMs: options.maxRuntimeMs ?? null,
    channel: options.channel ?? null,
    timezone,
    alternatives,
  };
}
