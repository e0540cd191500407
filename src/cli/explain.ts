import { parseArgs } from 'node:util';
import {
  type Alternative,
  assertTimezone,
  formatLocalTime,
  type LanguageContext,
  type MonitorSpec,
  type ParsedUntil,
  parseMonitorSpec,
  parseUntil,
} from '../bot/language/index.js';
import { DrumbeatError } from '../domain/errors.js';
import { wallTimeToInstant } from '../domain/local-time.js';
import { nextRuns } from '../domain/schedule.js';
import { type ExplainArguments, explainCommand, withExplainCommands } from './explain-examples.js';
import { describeGlobExpansion } from './shell-glob.js';

// `drumbeat explain`: a dry run of the schedule grammar. It prints how Drumbeat reads a
// schedule or the end of a silence and when runs are expected, and creates nothing.

export interface ExplainIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  now: () => number;
  /** The names in the current directory, to detect a `*` that the shell expanded. */
  directoryEntries: () => string[];
}

export const EXPLAIN_USAGE = `Usage: npx drumbeat explain [--as schedule|until] [--tz ZONE] [--from ISO-TIME] [--count N] [--json] TEXT

Prints how Drumbeat reads TEXT and when runs are expected, without creating anything.

  --as schedule|until  read TEXT as a monitor schedule (the default) or as the end of a silence
  --tz ZONE            the team's IANA zone: local times are read and shown in it (default UTC)
  --from ISO-TIME      the reference time instead of now, such as 2021-03-27T00:00+02:00; a
                       time without an offset is read in --tz
  --count N            how many expected runs to list, 1 to 100 (default 3)
  --json               print one JSON object; a rejected TEXT exits with status 2

Examples:
  npx drumbeat explain every weekday at 9:30am --tz Europe/Berlin
  npx drumbeat explain --json 'cron "15 3 * * *"' --tz Europe/Riga --from 2021-03-27T00:00+02:00
  npx drumbeat explain --as until 'tomorrow 9am' --tz America/New_York
`;

const MAX_COUNT = 100;

interface ExplainOptions {
  as: 'schedule' | 'until';
  timezone: string;
  fromMs: number;
  count: number;
  json: boolean;
  text: string;
  /** The arguments as typed, for the commands that errors suggest. */
  args: ExplainArguments;
}

function usageError(
  message: string,
  example = 'npx drumbeat explain every weekday at 9:30am',
): DrumbeatError {
  return new DrumbeatError('command_invalid', message, example);
}

function parseFrom(args: ExplainArguments, timezone: string): number {
  const text = args.from ?? '';
  const hasOffset = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text);
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!hasOffset && local !== null) {
    const [, year, month, day, hour, minute, second] = local.map((part) => Number(part ?? 0));
    return wallTimeToInstant(timezone, Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  }
  const parsed = hasOffset ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new DrumbeatError(
      'time_invalid',
      `--from "${text}" is not an ISO-8601 time.`,
      explainCommand({ ...args, from: '2021-03-27T00:00+02:00' }),
    );
  }
  return parsed;
}

/**
 * Checks the zone of --tz. The zone check's examples are `tz` options of a chat command, so
 * they become whole explain commands with --tz and the user's text.
 */
function readZoneOption(args: ExplainArguments): string {
  try {
    return assertTimezone(args.tz ?? 'UTC');
  } catch (error) {
    if (!(error instanceof DrumbeatError)) throw error;
    const text = args.text === '' ? 'every day at 2am' : args.text;
    const commands = error.examples.map((example) =>
      explainCommand({ ...args, text, tz: example.replace(/^tz /, '') }),
    );
    throw new DrumbeatError(error.code, error.message, commands);
  }
}

function readOptions(argv: string[], now: number): ExplainOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      tz: { type: 'string' },
      from: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const as = values.as ?? 'schedule';
  if (as !== 'schedule' && as !== 'until')
    throw usageError(
      `--as must be "schedule" or "until", not "${as}".`,
      "npx drumbeat explain --as until 'tomorrow 9am'",
    );
  const text = positionals.join(' ').trim();
  const args = { as: values.as, tz: values.tz, from: values.from, count: values.count, text };
  const timezone = readZoneOption(args);
  const count = Number(values.count ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw usageError(
      `--count must be a whole number from 1 to ${MAX_COUNT}, not "${values.count}".`,
      text === ''
        ? 'npx drumbeat explain --count 10 every 15 minutes'
        : explainCommand({ ...args, count: '10' }),
    );
  }
  if (text === '')
    throw usageError('TEXT is missing: give the schedule or the silence to explain.');
  const fromMs = values.from === undefined ? now : parseFrom(args, timezone);
  return { as, timezone, fromMs, count, json: values.json === true, text, args };
}

function scheduleJson(spec: MonitorSpec, runs: number[]): Record<string, unknown> {
  const { schedule, description, warnings } = spec.schedule;
  return {
    kind: schedule.kind,
    ...(schedule.kind === 'cron'
      ? { expression: schedule.expression, timezone: schedule.timezone }
      : { periodSeconds: schedule.periodSeconds }),
    description,
    next: runs.map((run) => new Date(run).toISOString()),
    warnings,
    alternatives: spec.alternatives,
    ...(spec.graceMs === null ? {} : { graceSeconds: spec.graceMs / 1000 }),
    ...(spec.maxRuntimeMs === null ? {} : { maxRuntimeSeconds: spec.maxRuntimeMs / 1000 }),
    ...(spec.channel === null ? {} : { channel: spec.channel }),
  };
}

function scheduleText(spec: MonitorSpec, runs: number[], options: ExplainOptions): string {
  const { schedule, description, warnings } = spec.schedule;
  const lines = [`Schedule:  ${description}`];
  if (schedule.kind === 'cron')
    lines.push(`Cron:      ${schedule.expression} in ${schedule.timezone}`);
  else {
    lines.push(
      `Interval:  ${schedule.periodSeconds} seconds; each run is expected that long after the previous ping`,
    );
  }
  if (spec.graceMs !== null) lines.push(`Grace:     ${spec.graceMs / 1000} seconds`);
  if (spec.maxRuntimeMs !== null) lines.push(`Max run:   ${spec.maxRuntimeMs / 1000} seconds`);
  if (spec.channel !== null) lines.push(`Channel:   ${spec.channel}`);
  const after = schedule.kind === 'interval' ? ', if the last ping was at the reference time' : '';
  lines.push(`Next ${runs.length} runs in ${options.timezone}${after}:`);
  for (const run of runs)
    lines.push(`  ${formatLocalTime(run, options.timezone)}  ${new Date(run).toISOString()}`);
  for (const warning of warnings) lines.push(`Note: ${warning}`);
  lines.push(...otherReadingLines(spec.alternatives, options.args));
  return `${lines.join('\n')}\n`;
}

function untilText(reading: ParsedUntil, options: ExplainOptions): string {
  const lines = [
    `Silence ends: ${reading.description}`,
    `              ${new Date(reading.until).toISOString()}`,
  ];
  for (const warning of reading.warnings) lines.push(`Note: ${warning}`);
  lines.push(...otherReadingLines(reading.alternatives, options.args));
  return `${lines.join('\n')}\n`;
}

/** Returns a line for each other reading, with the explain command that shows it. */
function otherReadingLines(alternatives: Alternative[], args: ExplainArguments): string[] {
  return alternatives.map(
    ({ meaning, text }) => `For ${meaning}: ${explainCommand({ ...args, text })}`,
  );
}

function explain(options: ExplainOptions, io: ExplainIo): void {
  const ctx = { timezone: options.timezone, now: options.fromMs };
  try {
    printReading(options, ctx, io);
  } catch (error) {
    throw withExplainCommands(error, options.args, ctx);
  }
}

function printReading(options: ExplainOptions, ctx: LanguageContext, io: ExplainIo): void {
  if (options.as === 'until') {
    const reading = parseUntil(options.text, ctx);
    const json = {
      until: new Date(reading.until).toISOString(),
      description: reading.description,
      warnings: reading.warnings,
      alternatives: reading.alternatives,
    };
    const text = options.json ? `${JSON.stringify(json, null, 2)}\n` : untilText(reading, options);
    io.stdout.write(text);
    return;
  }
  const spec = parseMonitorSpec(options.text, ctx);
  const runs = nextRuns(spec.schedule.schedule, options.fromMs, options.count);
  io.stdout.write(
    options.json
      ? `${JSON.stringify(scheduleJson(spec, runs), null, 2)}\n`
      : scheduleText(spec, runs, options),
  );
}

function report(error: DrumbeatError, json: boolean, io: ExplainIo): void {
  if (json) {
    // The examples are the same whole commands that the text output shows.
    const { code, message, examples } = error;
    io.stdout.write(`${JSON.stringify({ error: { code, message, examples } }, null, 2)}\n`);
    return;
  }
  io.stderr.write(`drumbeat explain: ${error.message}\n`);
  const { examples } = error;
  if (examples.length === 1) io.stderr.write(`For example: ${examples[0]}\n`);
  // Several examples go one to a line, so that each line can be copied as it is.
  if (examples.length > 1) {
    const lines = examples.map((example) => `  ${example}\n`).join('');
    io.stderr.write(`For example:\n${lines}`);
  }
}

/** Commands to copy, by option, for an option given without its value. */
const OPTION_EXAMPLES: Record<string, string> = {
  '--as': "npx drumbeat explain --as until 'tomorrow 9am'",
  '--tz': 'npx drumbeat explain every day at 2am --tz Europe/Berlin',
  '--from': 'npx drumbeat explain every day at 2am --from 2026-03-29T00:00',
  '--count': 'npx drumbeat explain --count 10 every 15 minutes',
};

/** Turns a parseArgs error, which shows parseArgs's own syntax, into a usage error of explain. */
function parseArgsError(message: string): DrumbeatError {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    return usageError(
      `"${unknown[1]}" is not an option of explain: it takes --as, --tz, --from, --count and --json.`,
    );
  }
  const missing = /^Option '(--[a-z]+)[^']*' argument missing/.exec(message);
  if (missing) {
    const option = missing[1]!;
    return usageError(`${option} needs a value.`, OPTION_EXAMPLES[option]);
  }
  return usageError(message);
}

/** Runs `drumbeat explain` with the arguments after `explain`; returns the exit status. */
export async function runExplain(argv: string[], io: ExplainIo): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(EXPLAIN_USAGE);
    return 0;
  }
  try {
    const globMessage = describeGlobExpansion(['explain', ...argv], io.directoryEntries());
    if (globMessage !== null) throw new DrumbeatError('command_invalid', globMessage);
    explain(readOptions(argv, io.now()), io);
    return 0;
  } catch (error) {
    if (error instanceof DrumbeatError) {
      report(error, json, io);
      return 2;
    }
    // parseArgs rejects unknown options and missing values with a TypeError and a code.
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      report(parseArgsError(error.message), json, io);
      return 2;
    }
    throw error;
  }
}
