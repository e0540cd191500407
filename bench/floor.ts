// The lateness floor: how late alerts come when each deadline job does only what no alert can
// skip, measured in the same run as the service and on the same machine. Three setups take
// turns, each with its own Redis data, 100,000 idle deadline jobs and the same rounds as the
// benchmark's alert lateness:
//
// - bullmq: a BullMQ worker with the deadline worker's settings whose jobs wait for their fire
//   time and re-arm themselves. Lateness runs to the end of each job's wait.
// - bullmq + post: the same, but each job first posts one short message to the Slack stand-in
//   through the service's Slack client. Lateness runs to the post's arrival.
// - service: the web and worker processes, as `npm run bench` measures them.
//
// Usage: npm run bench:floor -- [--reps <n>] [--smoke] [--help]. Prints each round and a table
// of the medians. `--smoke` runs one rep with small numbers (2,000 idle jobs, rounds of 50 and
// 200), to check that the script works.

import { type ChildProcess, fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DEADLINE_QUEUE, DeadlineQueue, Deadlines } from '../src/scheduler/deadlines.js';
import { newMonitorId } from '../src/store/ids.js';
import { Keys } from '../src/store/keys.js';
import { measureLateness } from './lateness.js';
import { SetupError } from './options.js';
import { REPO_ROOT, sleep } from './processes.js';
import { BenchRedis } from './redis-server.js';
import { SlackSink } from './slack-sink.js';
import { percentile } from './stats.js';

/** The sizes of a run: idle deadline jobs, the unmeasured round, and the measured rounds. */
interface Sizes {
  idleJobs: number;
  warmupDue: number;
  due: readonly number[];
}

const FULL: Sizes = { idleJobs: 100_000, warmupDue: 10_000, due: [1000, 10_000] };
const SMOKE: Sizes = { idleJobs: 2000, warmupDue: 50, due: [50, 200] };
const LOAD_BATCH = 2000;
const WAIT_AFTER_DUE_MS = 30_000;
const KEY_PREFIX = 'bench';
const USAGE = 'npm run bench:floor -- [--reps <n>] [--smoke] [--help]';
const HELP = `Usage: ${USAGE}

Measures alert lateness of BullMQ alone, of BullMQ with one chat.postMessage per alert, and of
the service, in turns, each with 100,000 idle deadline jobs and rounds of 1,000 and 10,000 due
at once. Prints each round and a table of the medians. BENCHMARKS.md says what they mean.

  --reps <n>  how many times each setup runs (default 3)
  --smoke     one rep with small numbers, to check that the script works; its numbers are no
              measurement
  --help      print this text
`;

type Setup = 'bullmq' | 'bullmq + post' | 'service';
const SETUPS: readonly Setup[] = ['bullmq', 'bullmq + post', 'service'];

interface Round {
  setup: Setup;
  due: number;
  received: number;
  p99Ms: number;
  maxMs: number;
}

const { reps, sizes, smoke } = parseCommandLine(process.argv.slice(2));

const redis = await BenchRedis.start().catch((error: unknown) => {
  if (!(error instanceof SetupError)) throw error;
  console.error(`bench:floor: ${error.message}`);
  process.exit(1);
});
const sink = await SlackSink.start();
const rounds: Round[] = [];
try {
  for (let rep = 1; rep <= reps; rep++) {
    for (const setup of SETUPS) {
      const results = setup === 'service' ? await serviceRounds() : await floorRounds(setup);
      for (const round of results) {
        rounds.push(round);
        console.log(`rep ${rep}: ${setup}, ${row(round)}`);
      }
    }
  }
  console.log(
    smoke
      ? '\nSmoke run: the numbers are too small to measure anything.\n'
      : `\nMedians of ${reps} reps:\n`,
  );
  console.log('| setup | due | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const setup of SETUPS) {
    for (const due of sizes.due) {
      const mine = rounds.filter((round) => round.setup === setup && round.due === due);
      const median = (pick: (round: Round) => number) =>
        percentile(
          mine.map(pick).sort((a, b) => a - b),
          0.5,
        );
      console.log(`| ${setup} | ${due} | ${median((r) => r.p99Ms)} | ${median((r) => r.maxMs)} |`);
    }
  }
} finally {
  await sink.close();
  await redis.stop();
}

/**
 * Reads `--reps <n>` (default 3, or 1 with `--smoke`), `--smoke` and `--help`. Exits with status
 * 2 and the reason on a bad command line, and with 0 after the help.
 */
function parseCommandLine(args: string[]): { reps: number; sizes: Sizes; smoke: boolean } {
  let values: { reps?: string; smoke?: boolean; help?: boolean };
  try {
    const options = {
      reps: { type: 'string' },
      smoke: { type: 'boolean' },
      help: { type: 'boolean' },
    } as const;
    values = parseArgs({ args, options }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: ${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const text = values.reps ?? (values.smoke ? '1' : '3');
  const reps = Number(text);
  if (!Number.isInteger(reps) || reps < 1) {
    console.error(`invalid --reps ${text}: expected a whole number of 1 or more`);
    process.exit(2);
  }
  const smoke = values.smoke === true;
  return { reps, sizes: smoke ? SMOKE : FULL, smoke };
}

function row(round: Round): string {
  const { due, received, p99Ms, maxMs } = round;
  return `${due} due: ${received} received, p99 ${p99Ms} ms, max ${maxMs} ms`;
}

async function serviceRounds(): Promise<Round[]> {
  const results = await measureLateness(redis, {
    monitors: sizes.idleJobs,
    due: sizes.due,
    warmupDue: sizes.warmupDue,
    workers: 1,
    keyPrefix: KEY_PREFIX,
  });
  return results.map(({ due, received, p99Ms, maxMs }) => ({
    setup: 'service' as const,
    due,
    received,
    p99Ms,
    maxMs,
  }));
}

async function floorRounds(setup: Exclude<Setup, 'service'>): Promise<Round[]> {
  await redis.flush();
  const prefix = new Keys(KEY_PREFIX).queuePrefix();
  const queue = new DeadlineQueue(DEADLINE_QUEUE, { connection: { url: redis.url }, prefix });
  const posts = setup === 'bullmq + post';
  const starts = new Map<string, number>();
  const worker = fork('bench/floor-worker.ts', [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      FLOOR_PREFIX: prefix,
      FLOOR_POST: posts ? sink.apiUrl : '',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  worker.on('message', (batch: [string, number][]) => {
    for (const [monitorId, atMs] of batch) if (!starts.has(monitorId)) starts.set(monitorId, atMs);
  });
  try {
    await waitForReady(worker);
    await loadJobs(queue, sizes.idleJobs, Date.now() + 2 * 3_600_000);
    const results: Round[] = [];
    for (const due of [sizes.warmupDue, ...sizes.due]) {
      const dueAt = Date.now() + 2000 + Math.ceil(due / 5);
      const ids = await loadJobs(queue, due, dueAt + 1);
      if (Date.now() >= dueAt) throw new Error('loading the due jobs took past their deadline');
      starts.clear();
      sink.expect(new Set(ids));
      const arrivals = posts ? sink.firstAlerts : starts;
      while (arrivals.size < due && Date.now() < dueAt + WAIT_AFTER_DUE_MS) await sleep(50);
      const lateness = [...arrivals.values()].map((atMs) => atMs - dueAt).sort((a, b) => a - b);
      results.push({
        setup,
        due,
        received: lateness.length,
        p99Ms: percentile(lateness, 0.99),
        maxMs: lateness.at(-1) ?? Number.NaN,
      });
    }
    // The first round only warms the worker up, as in the benchmark.
    return results.slice(1);
  } finally {
    await stop(worker);
    await queue.close();
  }
}

/** Adds `count` deadline jobs that fire at `fireAt`, one per new monitor, and returns the ids. */
async function loadJobs(queue: DeadlineQueue, count: number, fireAt: number): Promise<string[]> {
  const ids: string[] = [];
  for (let first = 0; first < count; first += LOAD_BATCH) {
    const now = Date.now();
    const jobs = [];
    for (let i = first; i < Math.min(count, first + LOAD_BATCH); i++) {
      const monitorId = newMonitorId();
      ids.push(monitorId);
      jobs.push(Deadlines.jobFor(monitorId, fireAt, now));
    }
    await queue.addBulk(jobs);
  }
  return ids;
}

function waitForReady(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('floor worker ready')) resolve();
    });
    worker.once('exit', (code) => reject(new Error(`floor worker exited with ${code}`)));
  });
}

async function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
}
