// The parts of the soak run: its options, the monitors it writes straight into Redis, and the
// service process it measures.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { buildMonitor } from '../src/domain/monitor.js';
import type { Monitor } from '../src/domain/types.js';
import { newMonitorId, newPingToken } from '../src/store/ids.js';
import type { MonitorStore } from '../src/store/monitors.js';

export interface SoakOptions {
  durationMs: number;
  /** Pings per second over all load monitors. */
  rate: number;
  monitors: number;
  /** Shortest period of the load monitors, in seconds. Each is pinged every `monitors / rate` s. */
  periodSeconds: number;
  /** Monitors that stop pinging in each lateness window, to time their alerts. */
  probes: number;
  connections: number;
}

const USAGE = `Usage: npm run soak -- [options]
  --duration <time>    how long the load runs, as 90s, 10m or 1h (default 30m; at least 2m)
  --rate <n>           pings per second (default 2000)
  --monitors <n>       monitors that receive the pings (default 10000)
  --period <seconds>   shortest schedule of those monitors, spread up to twice it (default 60)
  --probes <n>         monitors timed for alert lateness at the start and at the end (default 20)
  --connections <n>    HTTP connections of the load generator (default 50)`;

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`--duration must look like 90s, 10m or 1h, not "${text}"`);
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return Number(match[1]) * unitMs;
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} must be a whole number of at least 1, not "${text}"`);
  }
  return value;
}

export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '30m' },
      rate: { type: 'string', default: '2000' },
      monitors: { type: 'string', default: '10000' },
      period: { type: 'string', default: '60' },
      probes: { type: 'string', default: '20' },
      connections: { type: 'string', default: '50' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const options = {
    durationMs: parseDuration(values.duration),
    rate: positiveInteger('rate', values.rate),
    monitors: positiveInteger('monitors', values.monitors),
    periodSeconds: positiveInteger('period', values.period),
    probes: positiveInteger('probes', values.probes),
    connections: positiveInteger('connections', values.connections),
  };
  // The start and end windows of the lateness probes take a minute each.
  if (options.durationMs < 120_000) throw new Error('--duration must be at least 2m');
  const pingEveryS = options.monitors / options.rate;
  if (pingEveryS * 2 > options.periodSeconds) {
    throw new Error(
      `each monitor is pinged every ${pingEveryS} s, too rarely for a --period of ` +
        `${options.periodSeconds} s: raise --rate or --period, or lower --monitors`,
    );
  }
  return options;
}

// A team may have at most 1000 monitors, so the soak spreads its monitors over teams.
const MONITORS_PER_TEAM = 500;

export interface MonitorSpec {
  prefix: string;
  periodSeconds: number;
  /** Spread the periods from `periodSeconds` to twice that, so deadlines do not come in step. */
  spreadPeriods?: boolean;
  graceMs: number;
  channelId: string;
}

/** Creates `count` monitors in Redis and returns them in order. */
export async function createMonitors(
  store: MonitorStore,
  count: number,
  spec: MonitorSpec,
): Promise<Monitor[]> {
  const monitors: Monitor[] = [];
  for (let i = 0; i < count; i++) {
    monitors.push(
      buildMonitor(
        {
          id: newMonitorId(),
          token: newPingToken(),
          teamId: `slack:TSOAK${spec.prefix}${Math.floor(i / MONITORS_PER_TEAM)}`,
          platform: 'slack',
          channelId: spec.channelId,
          name: `${spec.prefix}-${i}`,
          schedule: {
            kind: 'interval',
            periodSeconds:
              spec.periodSeconds + (spec.spreadPeriods ? i % (spec.periodSeconds + 1) : 0),
          },
          graceMs: spec.graceMs,
          maxRuntimeMs: null,
          createdBy: 'soak',
        },
        Date.now(),
      ),
    );
  }
  const concurrency = 64;
  for (let start = 0; start < monitors.length; start += concurrency) {
    await Promise.all(monitors.slice(start, start + concurrency).map((m) => store.create(m)));
  }
  return monitors;
}

/** The service as `npm start` runs it, with its output kept for the report. */
export class SoakService {
  output = '';
  private readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  /** Starts the service and resolves once its /readyz returns 200. */
  static async start(env: Record<string, string>, port: number): Promise<SoakService> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new SoakService(child);
    const deadline = Date.now() + 30_000;
    while (!(await isReady(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the service did not start:\n${service.output.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return service;
  }

  /** Resident memory of the process in MiB, from /proc (Linux only), or null elsewhere. */
  rssMiB(): number | null {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kib === undefined ? null : Number(kib) / 1024;
    } catch {
      return null;
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

async function isReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

export async function redisUsedMiB(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const bytes = /used_memory:(\d+)/.exec(info)?.[1];
  return Number(bytes ?? 0) / 1024 / 1024;
}
