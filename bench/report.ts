// The results table, and the page that records it.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MONITOR_CACHE_SIZE } from '../src/ingest/record-ping.js';
import type { MeasuredLoad, PingRun } from './ingest.js';
import type { LatenessResult } from './lateness.js';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import { BENCH_REDIS_SETTINGS } from './redis-server.js';
import { percentile } from './stats.js';

export interface MemoryResult {
  /** Monitors added between the two readings of `used_memory`. */
  monitors: number;
  bytesPerMonitor: number;
  /** Ping history of the pinged monitors, sampled with MEMORY USAGE. */
  bytesPerStoredPing: number;
  historyCap: number;
}

export interface BenchResults {
  /** The reference, measured before and after the service's runs. */
  hello: [MeasuredLoad, MeasuredLoad];
  /** The rounds with only the pinged monitors in the store, in the order they ran. */
  small: PingRun[];
  /** The rounds with the large store, each run right after the small round of the same index. */
  large: PingRun[];
  spread: PingRun;
  memory: MemoryResult;
  lateness: LatenessResult[];
}

export interface Row {
  measurement: string;
  result: string;
  target: string;
  /** Whether the target holds, or null for rows without one. */
  met: boolean | null;
}

const MIN_RATIO_TO_HELLO = 0.3;
const MAX_P99_MS = 5;
const MAX_FLAT_COST_CHANGE = 0.1;
const MAX_BYTES_PER_MONITOR = 1024;

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const micros = (n: number | null) => (n === null ? 'not measured' : `${n.toFixed(1)} µs`);

/** Each figure of a store's rounds, as its median over the rounds. */
interface RoundMedians {
  rate: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicros: number | null;
  /** ", median of 3 rounds: a, b and c pings/s", or nothing for a single round. */
  note: string;
}

function mediansOf(runs: readonly PingRun[]): RoundMedians {
  const median = (pick: (load: MeasuredLoad) => number) =>
    percentile(
      runs.map((run) => pick(run.load)).sort((a, b) => a - b),
      0.5,
    );
  const cpus = runs.map((run) => run.load.serverCpuMicros);
  const rates = runs.map((run) => count(run.load.requestsPerSecond));
  return {
    rate: median((load) => load.requestsPerSecond),
    p50Ms: median((load) => load.p50Ms),
    p99Ms: median((load) => load.p99Ms),
    cpuMicros: cpus.includes(null) ? null : median((load) => load.serverCpuMicros!),
    note:
      runs.length < 2
        ? ''
        : `, median of ${runs.length} rounds: ${rates.slice(0, -1).join(', ')} and ` +
          `${rates.at(-1)} pings/s`,
  };
}

export function buildRows(options: BenchOptions, results: BenchResults): Row[] {
  const { spread, memory } = results;
  const small = mediansOf(results.small);
  const large = mediansOf(results.large);
  const [before, after] = results.hello;
  const helloRate = (before.requestsPerSecond + after.requestsPerSecond) / 2;
  const pinged = count(options.pingedMonitors);
  const stored = count(options.monitors);
  const ratio = small.rate / helloRate;
  const flatRatio = large.rate / small.rate;
  const spreadRatio = spread.load.requestsPerSecond / small.rate;
  const rows: Row[] = [
    {
      measurement: 'bare node:http hello-world',
      result:
        `${count(helloRate)} req/s (${count(before.requestsPerSecond)} before and ` +
        `${count(after.requestsPerSecond)} after the service's runs), p50 ${ms(before.p50Ms)}, ` +
        `p99 ${ms(before.p99Ms)}`,
      target: 'the reference',
      met: null,
    },
    {
      measurement: `ping rate, ${pinged} monitors`,
      result: `${count(small.rate)} pings/s, ${ratio.toFixed(3)} × hello-world${small.note}`,
      target: `≥ ${MIN_RATIO_TO_HELLO.toFixed(2)} × hello-world`,
      met: ratio >= MIN_RATIO_TO_HELLO,
    },
    {
      measurement: 'CPU of the server process per request',
      result:
        `${micros(small.cpuMicros)} per ping, ` +
        `${micros(before.serverCpuMicros)} per hello-world request`,
      target: 'none: less noisy than the rates on a shared machine',
      met: null,
    },
    {
      measurement: `ping latency, ${pinged} monitors`,
      result: `p50 ${ms(small.p50Ms)}, p99 ${ms(small.p99Ms)}`,
      target: `p99 ≤ ${MAX_P99_MS} ms`,
      met: small.p99Ms <= MAX_P99_MS,
    },
    {
      measurement: `ping rate, ${stored} monitors, the same ${pinged} pinged`,
      result:
        `${count(large.rate)} pings/s, ${flatRatio.toFixed(3)} × ${pinged} monitors, ` +
        `p99 ${ms(large.p99Ms)}${large.note}`,
      // Either way: a rate more than 10 % higher is noise beyond what the target allows.
      target: `within ${MAX_FLAT_COST_CHANGE * 100} % of ${pinged} monitors, either way`,
      met: Math.abs(flatRatio - 1) <= MAX_FLAT_COST_CHANGE,
    },
    {
      measurement: `ping rate, ${stored} monitors, each ping to another monitor`,
      result:
        `${count(spread.load.requestsPerSecond)} pings/s, ${spreadRatio.toFixed(2)} × ` +
        `${pinged} monitors, p99 ${ms(spread.load.p99Ms)}`,
      // A store that fits the web process's monitor cache has no misses to show.
      target:
        options.monitors > MONITOR_CACHE_SIZE
          ? 'none: shows the cost of cache misses'
          : `none: at ${stored} monitors every one fits the web process's cache, so no ping misses it`,
      met: null,
    },
    storedRow(results),
    ...latenessRows(results.lateness, options.smoke),
    {
      measurement: 'Redis memory per idle monitor',
      result:
        `${count(memory.bytesPerMonitor)} B ` +
        `(growth of used_memory over ${count(memory.monitors)} monitors)`,
      target: `≤ ${MAX_BYTES_PER_MONITOR} B`,
      met: memory.bytesPerMonitor <= MAX_BYTES_PER_MONITOR,
    },
    {
      measurement: 'ping history per monitor',
      result:
        `${count(memory.bytesPerStoredPing)} B per ping, ` +
        `${count(memory.bytesPerStoredPing * memory.historyCap)} B at the cap of ` +
        `${memory.historyCap} pings`,
      target: 'bounded',
      met: true,
    },
  ];
  return options.smoke ? rows.map(unjudgedInSmoke) : rows;
}

// Rows whose target a smoke run still checks: they hold at any size.
const JUDGED_IN_SMOKE = new Set(['pings stored, every ping run', 'ping history per monitor']);

/**
 * Leaves a speed or size target unjudged in a smoke run, because a run of a few seconds with
 * small numbers cannot show whether it holds.
 */
function unjudgedInSmoke(row: Row): Row {
  if (row.met === null || JUDGED_IN_SMOKE.has(row.measurement)) return row;
  return { ...row, target: `${row.target} (not judged in a smoke run)`, met: null };
}

function storedRow({ small, large, spread }: BenchResults): Row {
  const runs = [...small, ...large, spread];
  const answered = runs.reduce((sum, run) => sum + run.load.ok, 0);
  const stored = runs.reduce((sum, run) => sum + run.stored, 0);
  const failed = runs.reduce((sum, run) => sum + run.load.notOk + run.load.errors, 0);
  return {
    measurement: 'pings stored, every ping run',
    result: `${count(stored)} stored for ${count(answered)} answered 200, ${count(failed)} failed`,
    target: 'every ping answered 200 is stored',
    met: failed === 0 && runs.every((run) => run.stored >= run.load.ok),
  };
}

/**
 * Groups lateness rounds by the number due, in the order the sizes first ran. Rounds of one size
 * share a row, whose figures are over the alerts of all of them.
 */
function latenessRows(results: readonly LatenessResult[], smoke: boolean): Row[] {
  const groups = new Map<number, LatenessResult[]>();
  for (const result of results) {
    const group = groups.get(result.due);
    if (group) group.push(result);
    else groups.set(result.due, [result]);
  }
  // A smoke run's sizes stand for the full run's 1,000 and 10,000 at a smaller size.
  return [...groups.values()].map((rounds, i) => latenessRow(rounds, smoke ? i > 0 : null));
}

/**
 * Builds the row of one or more rounds with the same number due. Its target is a p99 and a
 * maximum for 1,000 due at once, or all within 3 s for 10,000: `many` picks the second, or null
 * picks by the number due.
 */
function latenessRow(rounds: readonly LatenessResult[], many: boolean | null): Row {
  const first = rounds[0]!;
  many ??= first.due >= 10_000;
  const latenessMs = rounds.flatMap((round) => round.latenessMs).sort((a, b) => a - b);
  const received = latenessMs.length;
  const expected = first.due * rounds.length;
  const p99Ms = percentile(latenessMs, 0.99);
  const maxMs = latenessMs.at(-1) ?? Number.NaN;
  const target = many ? 'every alert within 3 s' : 'p99 ≤ 250 ms, max ≤ 1 s';
  const allArrived = received === expected;
  const met = many ? allArrived && maxMs <= 3000 : allArrived && p99Ms <= 250 && maxMs <= 1000;
  const due = count(first.due);
  const workers = first.workers === 1 ? '1 worker process' : `${first.workers} worker processes`;
  const roundP99s = rounds.map((round) => count(round.p99Ms));
  const perRound =
    rounds.length < 2
      ? ''
      : `; p99 of each round ${roundP99s.slice(0, -1).join(', ')} and ${roundP99s.at(-1)} ms`;
  return {
    measurement:
      `alert lateness, ${count(first.monitors)} monitors, ${due} due at once, ` +
      `${rounds.length < 2 ? '' : `${rounds.length} rounds, `}${workers}`,
    result:
      `p50 ${ms(percentile(latenessMs, 0.5))}, p99 ${ms(p99Ms)}, max ${ms(maxMs)}` +
      `${rounds.length < 2 ? '' : ` over ${count(received)} alerts`}${perRound}; ` +
      `${count(received)} of ${count(expected)} alerts`,
    target,
    met,
  };
}

export function renderTable(rows: readonly Row[]): string {
  const lines = ['| measurement | result | target | met |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    let met = '';
    if (row.met !== null) met = row.met ? 'yes' : 'no';
    lines.push(`| ${row.measurement} | ${row.result} | ${row.target} | ${met} |`);
  }
  return lines.join('\n');
}

export function renderRunSection(
  command: string,
  options: BenchOptions,
  machine: Machine,
  rows: readonly Row[],
): string {
  const settings = Object.entries(BENCH_REDIS_SETTINGS)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const tool =
    options.tool === 'wrk' ? `wrk ${machine.wrk ?? ''}` : `autocannon ${machine.autocannon}`;
  return [
    `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: \`${command}\``,
    '',
    `- Machine: ${machine.processors} processors (${machine.cpuModel}), ${machine.memoryGiB} GiB,` +
      ` Node ${machine.node}, Redis ${machine.redis}. Load average ${machine.loadAverage.start}` +
      ` at the start and ${machine.loadAverage.end ?? '?'} at the end.`,
    `- Redis, started by the benchmark: ${settings}.`,
    `- Load: ${tool}, ${options.connections} connections, ${options.durationSeconds} s per run` +
      ` after ${options.warmupSeconds} s of warm-up, GET /ping/<token>, each request to the next` +
      ` monitor in turn. The service ran as \`npm start\` runs it, LOG_LEVEL info,` +
      ` PING_RATE_PER_MINUTE 100000 (counted on every ping, never reached).`,
    `- Alert lateness: the measured rounds follow a first round of ${count(options.warmupDue)}` +
      ' due at once that is not measured, so that the worker runs warm.',
    '',
    renderTable(rows),
  ].join('\n');
}

/**
 * Writes the run section into `path` between the markers of its load generator, so that the
 * last run of each generator stays on the page, or creates the page.
 */
export function writeResultsPage(path: string, tool: BenchOptions['tool'], section: string): void {
  const START_MARK = `<!-- bench:${tool}:start -->`;
  const END_MARK = `<!-- bench:${tool}:end -->`;
  const block = `${START_MARK}\n${section}\n${END_MARK}`;
  if (!existsSync(path)) {
    writeFileSync(path, `# Benchmarks\n\n${block}\n`);
    return;
  }
  const page = readFileSync(path, 'utf8');
  const start = page.indexOf(START_MARK);
  const end = page.indexOf(END_MARK);
  const next =
    start === -1 || end === -1
      ? `${page.trimEnd()}\n\n${block}\n`
      : `${page.slice(0, start)}${block}${page.slice(end + END_MARK.length)}`;
  writeFileSync(path, next);
}
