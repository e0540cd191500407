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
  --monitors <n>          monitors in the store for the flat-cost runs (default 1000000)
  --rounds <n>            ping runs of each store, the two stores taking turns (default 3;
                          smoke 1)
  --lateness-monitors <n> monitors in the store during alert lateness (default 100000)
  --due <n,n,...>         deadlines due at one instant, one round each; rounds of one size share
                          a row (default 1000,1000,1000,10000)
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
    throw new OptionError(error instanceof Error ? error.message : String(error));
  }
  return toOptions(parsed);
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
    due: (values.due ?? (smoke ? '50,200' : '1000,1000,1000,10000'))
      .split(',')
      .map((n) => whole('--due', n, 0, 1)),
    warmupDue: smoke ? 50 : 10_000,
    workers: whole('--workers', values.workers, 1, 1),
    out: values['no-write'] ? null : (values.out ?? (smoke ? null : 'BENCHMARKS.md')),
    json: values.json ?? null,
  };
  if (smoke && values['lateness-monitors'] === undefined) options.latenessMonitors = 2000;
  return options;
}

function whole(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < min) {
    throw new OptionError(`${name} must be a whole number of at least ${min}, not "${text}"`);
  }
  return value;
}
