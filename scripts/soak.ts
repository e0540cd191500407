// Soak run: the real service under a steady ping load for a long time (30 minutes at 2,000
// pings per second over 10,000 monitors by default), to show whether memory or alert lateness
// drift. It starts its own redis-server (AOF on, noeviction) and a Slack stand-in on loopback,
// and reports memory and the lateness of probe alerts at the start and at the end.
// Not part of CI. Run `npm run soak -- --help` for the options.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { createSilentLogger } from '../src/logger.js';
import { Keys } from '../src/store/keys.js';
import { MonitorStore } from '../src/store/monitors.js';
import { ensureRedis } from '../src/store/redis-launcher.js';
import { findFreePort } from '../src/store/redis-probe.js';
import { SlackApiStandIn } from '../test/support/slack-api.js';
import {
  createMonitors,
  parseSoakOptions,
  redisUsedMiB,
  type SoakOptions,
  SoakService,
} from './soak-setup.js';

const BOT_TOKEN = 'xoxb-soak-bot-token';
const KEY_PREFIX = 'soak';
// Probe monitors expect a ping every 10 s with 1 s of grace, and get none after the first.
const PROBE_PERIOD_SECONDS = 10;
const PROBE_GRACE_MS = 1000;
const PROBE_WAIT_MS = 45_000;

interface Sample {
  rssMiB: number | null;
  redisMiB: number;
  /** Alert lateness of the probes in ms, sorted; probes whose alert never came are missing. */
  latenessMs: number[];
  probes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function log(message: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function percentile(sorted: number[], share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

/** Starts the ping load and resolves with autocannon's result when its duration is over. */
function startLoad(port: number, paths: string[], options: SoakOptions) {
  let next = 0;
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: options.connections,
        duration: options.durationMs / 1000,
        overallRate: options.rate,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              request.path = paths[next]!;
              next = (next + 1) % paths.length;
              return request;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/**
 * Creates probe monitors, pings each once, and times their late alerts: from the deadline
 * (last ping + period + grace) to the stand-in receiving chat.postMessage.
 */
async function measureLateness(
  store: MonitorStore,
  slack: SlackApiStandIn,
  port: number,
  label: string,
  count: number,
): Promise<number[]> {
  const channelId = `CPROBE${label.toUpperCase()}`;
  const probes = await createMonitors(store, count, {
    prefix: `probe-${label}`,
    periodSeconds: PROBE_PERIOD_SECONDS,
    graceMs: PROBE_GRACE_MS,
    channelId,
  });
  const dueAt = new Map<string, number>();
  for (const probe of probes) {
    const response = await fetch(`http://127.0.0.1:${port}/ping/${probe.token}`);
    if (response.status !== 200) throw new Error(`probe ping returned HTTP ${response.status}`);
    dueAt.set(probe.id, (await store.get(probe.id))!.monitor.dueAt!);
    await sleep(100);
  }
  const deadline = Date.now() + PROBE_WAIT_MS;
  const alertAt = new Map<string, number>();
  while (alertAt.size < probes.length && Date.now() < deadline) {
    for (const call of slack.callsTo('chat.postMessage')) {
      if (call.args.channel !== channelId || call.failure !== null) continue;
      const id = probes.find((probe) => JSON.stringify(call.args.metadata).includes(probe.id))?.id;
      if (id !== undefined && !alertAt.has(id)) alertAt.set(id, call.at);
    }
    await sleep(200);
  }
  return [...alertAt].map(([id, at]) => at - dueAt.get(id)!).sort((a, b) => a - b);
}

async function takeSample(
  label: string,
  context: { service: SoakService; redis: Redis; store: MonitorStore; slack: SlackApiStandIn },
  port: number,
  probes: number,
): Promise<Sample> {
  const { service, redis, store, slack } = context;
  const rssMiB = service.rssMiB();
  const redisMiB = await redisUsedMiB(redis);
  log(`${label}: service RSS ${rssMiB?.toFixed(0)} MiB, Redis ${redisMiB.toFixed(0)} MiB`);
  const latenessMs = await measureLateness(store, slack, port, label, probes);
  log(
    `${label}: ${latenessMs.length}/${probes} probe alerts, lateness ${latenessMs.join(', ')} ms`,
  );
  return { rssMiB, redisMiB, latenessMs, probes };
}

/** Logs memory once a minute, and keeps the figures for the report. */
function sampleMemoryEveryMinute(context: { service: SoakService; redis: Redis }) {
  const lines: string[] = [];
  const timer = setInterval(() => {
    redisUsedMiB(context.redis).then(
      (redisMiB) => {
        const line = `${context.service.rssMiB()?.toFixed(0) ?? 'n/a'} / ${redisMiB.toFixed(0)}`;
        lines.push(line);
        log(`memory: service RSS / Redis ${line} MiB`);
      },
      (error: unknown) => log(`memory sample failed: ${String(error)}`),
    );
  }, 60_000);
  return { timer, lines };
}

function formatMs(value: number | null): string {
  return value === null ? 'none' : `${Math.round(value)} ms`;
}

function report(options: SoakOptions, start: Sample, end: Sample, load: autocannon.Result) {
  const row = (name: string, a: string, b: string) => `| ${name} | ${a} | ${b} |`;
  const mib = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} MiB`);
  const lateness = (sample: Sample) =>
    `${formatMs(percentile(sample.latenessMs, 0.5))} / ${formatMs(percentile(sample.latenessMs, 1))}`;
  const lines = [
    `Soak: ${options.durationMs / 60_000} min, ${options.rate} pings/s target over ` +
      `${options.monitors} monitors (periods ${options.periodSeconds} to ` +
      `${options.periodSeconds * 2} s), ` +
      `${options.connections} connections.`,
    '',
    '| | start | end |',
    '| --- | --- | --- |',
    row('service RSS', mib(start.rssMiB), mib(end.rssMiB)),
    row('Redis used memory', mib(start.redisMiB), mib(end.redisMiB)),
    row('alert lateness, median / max', lateness(start), lateness(end)),
    row(
      'probe alerts delivered',
      `${start.latenessMs.length}/${start.probes}`,
      `${end.latenessMs.length}/${end.probes}`,
    ),
    '',
    `Pings: ${load['2xx']} answered 2xx, ${load.non2xx} other, ${load.errors} errors, ` +
      `${load.timeouts} timeouts; ${(load.requests.total / load.duration).toFixed(0)} per second.`,
    `Ping latency: median ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ` +
      `max ${load.latency.max} ms.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'drumbeat-soak-'));
  const redisHandle = await ensureRedis({
    redisUrl: null,
    dataDir,
    logger: createSilentLogger(),
    port: await findFreePort(),
  });
  const redis = new Redis(redisHandle.url);
  const slack = await SlackApiStandIn.start({ token: BOT_TOKEN, teamId: 'TSOAK' });
  const store = new MonitorStore(redis, new Keys(KEY_PREFIX));
  let service: SoakService | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanUp = () => {
    cleaning ??= (async () => {
      const code = await service?.stop();
      if (code !== undefined && code !== 0) log(`the service exited with ${code}`);
      redis.disconnect();
      await slack.close();
      await redisHandle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  // Ctrl-C stops the service and the redis-server too, which would outlive the script.
  process.once('SIGINT', () => {
    log('interrupted; stopping');
    cleanUp().then(() => process.exit(130));
  });
  try {
    log(`creating ${options.monitors} monitors`);
    const load = await createMonitors(store, options.monitors, {
      prefix: 'load',
      periodSeconds: options.periodSeconds,
      spreadPeriods: true,
      graceMs: (options.periodSeconds * 1000) / 2,
      channelId: 'CLOAD',
    });
    const port = await findFreePort();
    service = await SoakService.start(
      {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        REDIS_URL: redisHandle.url,
        DRUMBEAT_KEY_PREFIX: KEY_PREFIX,
        SLACK_SIGNING_SECRET: 'soak-signing-secret',
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        LOG_LEVEL: 'warn',
      },
      port,
    );
    const context = { service, redis, store, slack };

    log(`load for ${options.durationMs / 1000} s`);
    const startedAt = Date.now();
    const loadRun = startLoad(
      port,
      load.map((monitor) => `/ping/${monitor.token}`),
      options,
    );
    const memory = sampleMemoryEveryMinute(context);
    // The first ping of every monitor comes within monitors / rate seconds; then measure.
    await sleep(Math.max(15_000, (options.monitors / options.rate) * 2000));
    const start = await takeSample('start', context, port, options.probes);
    await sleep(startedAt + options.durationMs - 60_000 - Date.now());
    const end = await takeSample('end', context, port, options.probes);
    const result = await loadRun;
    clearInterval(memory.timer);

    const falseAlerts = slack
      .callsTo('chat.postMessage')
      .filter((call) => call.args.channel === 'CLOAD').length;
    report(options, start, end, result);
    const series = memory.lines.join(', ');
    process.stdout.write(`Memory each minute (service RSS / Redis, MiB): ${series}.\n`);
    process.stdout.write(`Alerts for monitors under load (expected 0): ${falseAlerts}.\n`);
  } finally {
    await cleanUp();
  }
}

await main();
