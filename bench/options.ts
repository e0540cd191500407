// Command-line options of `npm run bench`.

import { parseArgs } from 'node:util';
import type { LoadTool } from './load.js';

export interface BenchOptions {
  smoke: boolean;
  tool: LoadTool;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Monitors pinged in turn in every ping run, and all the store contains in the first run. */
  pingedMonitors: number;
  /** Monitors in the store for the flat-cost runs. */
  monitors: number;
  /** Ping rounds of each store, the small and the large store taking turns. */
  rounds: number;
  /** Monitors in the store during alert lateness. */
  latenessMonitors: number;
  /** Deadlines due at the same instant, one lateness round each. */
  due: number[];
  /** Due deadlines of the unmeasured round that warms the worker up first. */
  warmupDue: number;
  /** Worker processes (DRUMBEAT_ROLES=worker) during alert lateness. */
  workers: number;
  /** Path of the results page to write, or null to print only. */
  out: string | null;
  /** Path of a JSON file for the results, or null. */
  json: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

Starts its own redis-server and service processes on 127.0.0.1 and measures the ping rate
against a bare node:http server, the cost of a large store, alert lateness and memory.

  --smoke                 a run of 30 to 45 s with small numbers, to check the benchmark
  --tool <name>           load generator: autocannon (default) or wrk
  --connections <n>       concurrent connections of the load generator (default 50)
  --duration <seconds>    length of each measured ping run (default 10; smoke 2)
  --warmup <seconds>      unmeasured load before each ping run (default 2; smoke 1)
  --monitors <n>          monitors in the store for the flat-cost runs (default 1000000;
                          smoke 5000)
  --rounds <n>            ping runs of each store, the two stores taking turns (default 3;
                          smoke 1)
  --lateness-monitors <n> monitors in the store at the first measured lateness round, its due
                          ones and the unmeasured round's included (default 100000; smoke 2000)
  --due <n,n,...>         deadlines due at one instant, one round each; rounds of one size share
                          a row (default 1000,1000,1000,10000; smoke 50,200)
  --workers <n>           worker processes during alert lateness (default 1)
  --out <file>            results page to write (default BENCHMARKS.md; smoke: none)
  --no-write              print the results without writing the page
  --json <file>           also write the results as JSON
  --help                  print this text
`;

/** An invalid command line; the message names the option and what it accepts. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
}

/** A tool that the machine lacks, such as wrk or redis-server, reported in one line. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new OptionError(oneLine(error instanceof Error ? error.message : String(error), argv));
  }
  return toOptions(parsed);
}

/**
 * Shortens node:util's parse errors to one line. A value that starts with a dash (`--rounds -1`)
 * reads to parseArgs as another option, so that error is replaced with how to pass it.
 */
function oneLine(message: string, argv: readonly string[]): string {
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const option = ambiguous[1]!;
    const value = argv[argv.indexOf(option) + 1] ?? '';
    return `${option} takes a value, and "${value}" reads as an option. Write ${option}=${value}`;
  }
  return message.split('\n')[0]!;
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      tool: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      monitors: { type: 'string' },
      rounds: { type: 'string' },
      'lateness-monitors': { type: 'string' },
      due: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
}

function toOptions({ values }: ReturnType<typeof parseCommandLine>): BenchOptions | 'help' {
  if (values.help) return 'help';
  const smoke = values.smoke;
  const tool = values.tool ?? 'autocannon';
  if (tool !== 'autocannon' && tool !== 'wrk') {
    throw new OptionError(`--tool must be autocannon or wrk, not "${tool}"`);
  }
  const pingedMonitors = smoke ? 200 : 1000;
  const options: BenchOptions = {
    smoke,
    tool,
    connections: whole('--connections', values.connections, 50, 1),
    durationSeconds: whole('--duration', values.duration, smoke ? 2 : 10, 1),
    warmupSeconds: whole('--warmup', values.warmup, smoke ? 1 : 2, 0),
    pingedMonitors,
    monitors: whole('--monitors', values.monitors, smoke ? 5000 : 1_000_000, pingedMonitors + 1),
    rounds: whole('--rounds', values.rounds, smoke ? 1 : 3, 1),
    latenessMonitors: whole('--lateness-monitors', values['lateness-monitors'], 100_000, 1),
    due: dueList(values.due ?? (smoke ? '50,200' : '1000,1000,1000,10000')),
    warmupDue: smoke ? 50 : 10_000,
    workers: whole('--workers', values.workers, 1, 1),
    out: values['no-write'] ? null : (values.out ?? (smoke ? null : 'BENCHMARKS.md')),
    json: values.json ?? null,
  };
  if (smoke && values['lateness-monitors'] === undefined) options.latenessMonitors = 2000;
  const needed = options.warmupDue + options.due[0]!;
  if (options.latenessMonitors < needed) {
    throw new OptionError(
      `--lateness-monitors must be at least ${needed}, the ${options.warmupDue} due monitors of ` +
        `the unmeasured round and the ${options.due[0]} of the first measured one, not ` +
        `${options.latenessMonitors}`,
    );
  }
  return options;
}

function dueList(text: string): number[] {
  const parts = text.split(',');
  if (parts.some((part) => !/^\d+(_\d+)*$/.test(part) || Number(part.replace(/_/g, '')) < 1)) {
    throw new OptionError(
      `--due must be whole numbers of at least 1 separated by commas, such as 1000,10000, not "${text}"`,
    );
  }
  return parts.map((part) => Number(part.replace(/_/g, '')));
}

/** Reads a whole number written in decimal digits, with `_` allowed between them (1_000_000). */
function whole(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+(_\d+)*$/.test(text) ? Number(text.replace(/_/g, '')) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new OptionError(`${name} must be a whole number of at least ${min}, not "${text}"`);
  }
  return value;
}
