// The ping-rate runs: the hello-world reference and the service, under the same load.

import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { Keys } from '../src/store/keys.js';
import type { LoadedMonitor } from './bulk-load.js';
import { type LoadOptions, type LoadResult, runLoad } from './load.js';
import { freePort, NodeChild, sleep } from './processes.js';

export interface LoadSettings {
  tool: LoadOptions['tool'];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** A run's results, with the CPU time the server process spent per request. */
export interface MeasuredLoad extends LoadResult {
  /** Microseconds of CPU per request that got a response; null without /proc (not Linux). */
  serverCpuMicros: number | null;
}

export interface PingRun {
  load: MeasuredLoad;
  /** Pings in the store that arrived during the measured run. */
  stored: number;
}

/** Keys summed per script call when counting stored pings. */
const COUNT_BATCH = 5000;
/** Time for requests still in flight when the load generator stops to finish. */
const SETTLE_MS = 300;

// Sums the generations in the headers of monitor records (`<generation>|<armedAt>|<json>`).
// Every stored success ping changes its monitor, and each change adds one to the generation.
const SUM_GENERATIONS = `
local sum = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value then sum = sum + tonumber(string.match(value, '^(%d+)|')) end
end
return sum
`;

export function pingPaths(monitors: readonly LoadedMonitor[]): string[] {
  return monitors.map((monitor) => `/ping/${monitor.token}`);
}

/** Runs the load against the bare node:http server on the same paths as the product. */
export async function measureHello(paths: readonly string[], settings: LoadSettings) {
  const port = await freePort();
  const hello = await NodeChild.start(
    'hello server',
    'bench/hello-server.ts',
    { PORT: String(port) },
    'listening',
  );
  try {
    if (settings.warmupSeconds > 0) {
      await runLoad({
        ...loadOptions(port, paths, settings),
        durationSeconds: settings.warmupSeconds,
      });
    }
    return await measureWithCpu(hello.pid, loadOptions(port, paths, settings));
  } finally {
    await hello.stop();
  }
}

/** Runs the load against the service's web process and counts the pings it stored. */
export async function measureService(
  redis: Redis,
  keyPrefix: string,
  web: { port: number; pid: number | undefined },
  monitors: readonly LoadedMonitor[],
  settings: LoadSettings,
): Promise<PingRun> {
  const paths = pingPaths(monitors);
  const port = web.port;
  if (settings.warmupSeconds > 0) {
    await runLoad({
      ...loadOptions(port, paths, settings),
      durationSeconds: settings.warmupSeconds,
    });
    await sleep(SETTLE_MS);
  }
  const before = await countStoredPings(redis, keyPrefix, monitors);
  const load = await measureWithCpu(web.pid, loadOptions(port, paths, settings));
  await sleep(SETTLE_MS);
  const after = await countStoredPings(redis, keyPrefix, monitors);
  return { load, stored: after - before };
}

async function measureWithCpu(
  pid: number | undefined,
  options: LoadOptions,
): Promise<MeasuredLoad> {
  const cpuBefore = cpuSeconds(pid);
  const load = await runLoad(options);
  const cpuAfter = cpuSeconds(pid);
  const answered = load.ok + load.notOk;
  const serverCpuMicros =
    cpuBefore === null || cpuAfter === null || answered === 0
      ? null
      : ((cpuAfter - cpuBefore) * 1e6) / answered;
  return { ...load, serverCpuMicros };
}

/** User and system CPU time of a process so far, from /proc; null where it cannot be read. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 1/100 s (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function loadOptions(port: number, paths: readonly string[], settings: LoadSettings): LoadOptions {
  return {
    tool: settings.tool,
    port,
    paths,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
  };
}

/** Counts the changes stored on `monitors`: one per success ping the service stored. */
export async function countStoredPings(
  redis: Redis,
  keyPrefix: string,
  monitors: readonly LoadedMonitor[],
): Promise<number> {
  const keys = new Keys(keyPrefix);
  let total = 0;
  for (let start = 0; start < monitors.length; start += COUNT_BATCH) {
    const batch = monitors.slice(start, start + COUNT_BATCH).map((m) => keys.monitor(m.id));
    total += Number(await redis.eval(SUM_GENERATIONS, batch.length, ...batch));
  }
  return total;
}
