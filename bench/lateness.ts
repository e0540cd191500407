// Alert lateness: many monitors whose deadlines pass at the same instant, and the time from
// that instant to each alert's chat.postMessage call at the Slack stand-in.

import { Keys } from '../src/store/keys.js';
import { BulkLoader, idleMonitorTemplate } from './bulk-load.js';
import { type NodeChild, type ServiceEnv, sleep, startService } from './processes.js';
import type { BenchRedis } from './redis-server.js';
import { SINK_BOT_TOKEN, SlackSink } from './slack-sink.js';
import { percentile } from './stats.js';

export interface LatenessSettings {
  /** Monitors in Redis at the first measured round, the due ones included. */
  monitors: number;
  /** Monitors whose deadline passes at the same instant, one measured round each. */
  due: readonly number[];
  /**
   * Due monitors of a first round that is not measured, so that the worker runs warm, as it does
   * in a service whose deadline jobs fire and re-arm all day.
   */
  warmupDue: number;
  /** Worker processes that take the deadline and delivery jobs. */
  workers: number;
  keyPrefix: string;
  /** Extra options for the worker processes' node, such as `--cpu-prof`. */
  workerNodeArgs?: readonly string[];
}

export interface LatenessResult {
  /** Monitors in Redis when the round ran. */
  monitors: number;
  workers: number;
  due: number;
  /** Due monitors whose alert reached the stand-in before the wait ended. */
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The lateness of each alert that arrived, in ms, ascending. */
  latenessMs: number[];
}

const PERIOD_SECONDS = 3600;
const GRACE_MS = 300_000;
/** How long after the due instant a round waits for the last alert. */
const WAIT_AFTER_DUE_MS = 30_000;
const SHAPE = {
  platform: 'slack' as const,
  channelId: 'C0BENCH0001',
  periodSeconds: PERIOD_SECONDS,
  graceMs: GRACE_MS,
};

/**
 * Measures alert lateness on an empty Redis: starts a web and a worker process with Slack
 * pointed at the stand-in, loads the monitors that stay quiet, then runs one round per entry of
 * `due`, each with that many monitors whose deadline passes at the same instant.
 */
export async function measureLateness(
  redis: BenchRedis,
  settings: LatenessSettings,
): Promise<LatenessResult[]> {
  const sink = await SlackSink.start();
  const processes: NodeChild[] = [];
  const loader = new BulkLoader(redis.client, settings.keyPrefix, redis.url);
  try {
    await redis.flush();
    const env: ServiceEnv = {
      redisUrl: redis.url,
      keyPrefix: settings.keyPrefix,
      extra: {
        SLACK_SIGNING_SECRET: 'bench-signing-secret',
        SLACK_BOT_TOKEN: SINK_BOT_TOKEN,
        SLACK_API_URL: sink.apiUrl,
      },
    };
    processes.push((await startService('web', env)).child);
    await markIngestUpSinceLongAgo(redis, settings.keyPrefix);
    for (let i = 0; i < settings.workers; i++) {
      const nodeArgs = settings.workerNodeArgs ?? [];
      processes.push((await startService('worker', { ...env, nodeArgs })).child);
    }

    const first = settings.due[0] ?? 0;
    const quiet = Math.max(0, settings.monitors - settings.warmupDue - first);
    await loader.load(idleMonitorTemplate({ ...SHAPE, lastPingAt: Date.now() }), quiet, Date.now());
    let total = quiet;
    if (settings.warmupDue > 0) {
      await runRound(loader, sink, settings.warmupDue, total + settings.warmupDue);
      total += settings.warmupDue;
    }
    const results: LatenessResult[] = [];
    for (const due of settings.due) {
      total += due;
      results.push({ ...(await runRound(loader, sink, due, total)), workers: settings.workers });
    }
    return results;
  } finally {
    await loader.close();
    await Promise.all(processes.map((child) => child.stop()));
    await sink.close();
  }
}

/** Loads `due` monitors whose deadline passes at one instant, and waits for their alerts. */
async function runRound(
  loader: BulkLoader,
  sink: SlackSink,
  due: number,
  monitors: number,
): Promise<Omit<LatenessResult, 'workers'>> {
  // The due instant leaves time to write the due monitors and their jobs before it.
  const dueAt = Date.now() + 2000 + Math.ceil(due / 5);
  const lastPingAt = dueAt - PERIOD_SECONDS * 1000 - GRACE_MS;
  const loaded = await loader.load(idleMonitorTemplate({ ...SHAPE, lastPingAt }), due, Date.now());
  if (Date.now() >= dueAt) throw new Error('loading the due monitors took past their deadline');

  sink.expect(new Set(loaded.map((monitor) => monitor.id)));
  const waitUntil = dueAt + WAIT_AFTER_DUE_MS;
  while (sink.firstAlerts.size < due && Date.now() < waitUntil) await sleep(50);
  return summarize(monitors, due, dueAt, sink.firstAlerts);
}

/**
 * Records that web processes have taken pings for two hours without a gap, as a running service
 * would have, once the web process beats. Without it, the worker would treat the start of the
 * benchmark as the end of a downtime and give every monitor a fresh window instead of an alert.
 */
async function markIngestUpSinceLongAgo(redis: BenchRedis, keyPrefix: string): Promise<void> {
  const key = new Keys(keyPrefix).ingestHeartbeat();
  await redis.client.hset(key, { upSince: String(Date.now() - 2 * 3_600_000) });
  await redis.client.hdel(key, 'gapFrom', 'gapTo');
}

function summarize(
  monitors: number,
  due: number,
  dueAt: number,
  alerts: Map<string, number>,
): Omit<LatenessResult, 'workers'> {
  const latenessMs = [...alerts.values()].map((atMs) => atMs - dueAt).sort((a, b) => a - b);
  return {
    monitors,
    due,
    received: alerts.size,
    p50Ms: percentile(latenessMs, 0.5),
    p99Ms: percentile(latenessMs, 0.99),
    maxMs: latenessMs.length === 0 ? Number.NaN : latenessMs[latenessMs.length - 1]!,
    latenessMs,
  };
}
