// `npm run bench`: measures the ping path against a bare node:http server, the cost of a large
// store, alert lateness and memory, each on processes and a Redis of its own on 127.0.0.1.

import { writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DEFAULT_STORE_LIMITS } from '../src/store/monitors.js';
import { BulkLoader, idleMonitorTemplate, type LoadedMonitor } from './bulk-load.js';
import {
  type LoadSettings,
  measureHello,
  measureService,
  type PingRun,
  pingPaths,
} from './ingest.js';
import { measureLateness } from './lateness.js';
import { wrkInstalled } from './load.js';
import { currentLoad, describeMachine, wrkVersion } from './machine.js';
import { type BenchOptions, OptionError, parseOptions, SetupError, USAGE } from './options.js';
import { type NodeChild, sleep, startService } from './processes.js';
import { BenchRedis } from './redis-server.js';
import {
  type BenchResults,
  buildRows,
  type MemoryResult,
  renderRunSection,
  renderTable,
  writeResultsPage,
} from './report.js';

/** The service's default key prefix, so keys have the length they have in production. */
const KEY_PREFIX = 'drumbeat';
/** Time for Redis to finish rehashing its tables before `used_memory` is read. */
const MEMORY_SETTLE_MS = 2000;
/** Ping lists whose MEMORY USAGE is averaged. */
const HISTORY_SAMPLES = 100;

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const options = parsed;
  if (options.tool === 'wrk' && !wrkInstalled()) {
    throw new SetupError(
      '--tool wrk needs wrk on PATH. Install it (Debian: apt-get install wrk), or leave out ' +
        '--tool wrk to measure with autocannon.',
    );
  }

  const redis = await BenchRedis.start();
  try {
    const machine = await describeMachine(await redis.version());
    if (options.tool === 'wrk') machine.wrk = wrkVersion();
    const results = await runAll(redis, options);
    machine.loadAverage.end = currentLoad();
    report(options, machine, results);
  } finally {
    await redis.stop();
  }
}

async function runAll(redis: BenchRedis, options: BenchOptions): Promise<BenchResults> {
  const settings: LoadSettings = {
    tool: options.tool,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
  // The small store has a Redis and a web process of its own, so that its rounds can take turns
  // with the large store's. A change in the machine's speed during the run then affects both
  // stores alike, instead of the whole difference between two runs minutes apart.
  const smallRedis = await BenchRedis.start();
  const loader = new BulkLoader(redis.client, KEY_PREFIX, redis.url);
  const smallLoader = new BulkLoader(smallRedis.client, KEY_PREFIX, smallRedis.url);
  const template = idleMonitorTemplate({
    platform: 'slack',
    channelId: 'C0BENCH0001',
    periodSeconds: 3600,
    graceMs: 300_000,
    lastPingAt: Date.now(),
  });
  const processes: NodeChild[] = [];
  let ping: Omit<BenchResults, 'lateness'>;
  try {
    const pinged = await loader.load(template, options.pingedMonitors, Date.now());
    const smallPinged = await smallLoader.load(template, options.pingedMonitors, Date.now());
    const web = await startService('web', { redisUrl: redis.url, keyPrefix: KEY_PREFIX });
    processes.push(web.child);
    const smallWeb = await startService('web', { redisUrl: smallRedis.url, keyPrefix: KEY_PREFIX });
    processes.push(smallWeb.child);
    const largeProcess = { port: web.port, pid: web.child.pid };
    const smallProcess = { port: smallWeb.port, pid: smallWeb.child.pid };

    log(`hello-world reference, ${options.durationSeconds} s`);
    const hello = await measureHello(pingPaths(smallPinged), settings);

    const extra = options.monitors - pinged.length;
    log(`loading ${extra} more monitors`);
    await sleep(MEMORY_SETTLE_MS);
    const before = await redis.usedMemory();
    const rest = await loader.load(template, extra, Date.now());
    await sleep(MEMORY_SETTLE_MS);
    const memoryGrowth = (await redis.usedMemory()) - before;

    const small: PingRun[] = [];
    const large: PingRun[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const roundLabel = `round ${round} of ${options.rounds}`;
      log(`service, ${pinged.length} monitors, ${roundLabel}`);
      small.push(
        await measureService(smallRedis.client, KEY_PREFIX, smallProcess, smallPinged, settings),
      );
      log(`service, ${options.monitors} monitors, the same ${pinged.length} pinged, ${roundLabel}`);
      large.push(await measureService(redis.client, KEY_PREFIX, largeProcess, pinged, settings));
    }
    const memory: MemoryResult = {
      monitors: extra,
      bytesPerMonitor: memoryGrowth / extra,
      bytesPerStoredPing: await historyBytesPerPing(smallRedis.client, smallPinged),
      historyCap: DEFAULT_STORE_LIMITS.pingHistory,
    };

    log(`service, ${options.monitors} monitors, each ping to another monitor`);
    const everyone = shuffled([...pinged, ...rest]);
    const spread = await measureService(redis.client, KEY_PREFIX, largeProcess, everyone, settings);
    // A second reference run at the end evens out a change in the machine's load meanwhile.
    log('hello-world reference again');
    const helloAgain = await measureHello(pingPaths(smallPinged), settings);
    ping = { hello: [hello, helloAgain], small, large, spread, memory };
  } finally {
    await Promise.all(processes.map((child) => child.stop()));
    await Promise.all([loader.close(), smallLoader.close()]);
    await smallRedis.stop();
  }

  log(`alert lateness, ${options.latenessMonitors} monitors, due ${options.due.join(', ')}`);
  const lateness = await measureLateness(redis, {
    monitors: options.latenessMonitors,
    due: options.due,
    warmupDue: options.warmupDue,
    workers: options.workers,
    keyPrefix: KEY_PREFIX,
  });
  return { ...ping, lateness };
}

/** Averages MEMORY USAGE over the ping lists of some pinged monitors, per stored ping. */
async function historyBytesPerPing(redis: Redis, monitors: readonly LoadedMonitor[]) {
  let bytes = 0;
  let pings = 0;
  for (const monitor of monitors.slice(0, HISTORY_SAMPLES)) {
    const key = `${KEY_PREFIX}:m:{${monitor.id}}:pings`;
    bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    pings += await redis.llen(key);
  }
  return pings === 0 ? Number.NaN : bytes / pings;
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function report(
  options: BenchOptions,
  machine: Parameters<typeof renderRunSection>[2],
  results: BenchResults,
) {
  const rows = buildRows(options, results);
  process.stdout.write(`${renderTable(rows)}\n`);
  const command = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ];
  if (options.out !== null) {
    const section = renderRunSection(command.join(' '), options, machine, rows);
    writeResultsPage(options.out, options.tool, section);
    log(`wrote ${options.out}`);
  }
  if (options.json !== null) {
    writeFileSync(
      options.json,
      `${JSON.stringify({ options, machine, results, rows }, null, 2)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof OptionError) {
    process.stderr.write(`bench: ${error.message}. See npm run bench -- --help.\n`);
  } else if (error instanceof SetupError) {
    process.stderr.write(`bench: ${error.message}\n`);
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench failed: ${text}\n`);
  }
  process.exitCode = 1;
});
