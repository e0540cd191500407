// Creates many idle monitors fast. Each one is written as the service writes it: the store's
// own create and set-armed scripts (record, token index, name index, armed sorted set) and a
// delayed BullMQ deadline job with the name, data and options `Deadlines.addJob` uses, only
// pipelined in batches instead of one round trip at a time.

import type { ChainableCommander, Redis } from 'ioredis';
import { transition } from '../src/domain/machine.js';
import { buildMonitor } from '../src/domain/monitor.js';
import type { Monitor, Platform } from '../src/domain/types.js';
import {
  DEADLINE_QUEUE,
  DeadlineQueue,
  Deadlines,
  fireTimeFor,
} from '../src/scheduler/deadlines.js';
import { encodeMonitor } from '../src/store/codec.js';
import { newMonitorId, newPingToken } from '../src/store/ids.js';
import { Keys } from '../src/store/keys.js';
import { MonitorStore } from '../src/store/monitors.js';

/** Monitors written per pipeline; a batch is one round trip to Redis and one `addBulk`. */
const BATCH_SIZE = 2000;
/**
 * Monitors per team. A team's name index stays in Redis's compact hash encoding up to 128
 * monitors; past that (the store allows 1,000) each name takes about 50 bytes more.
 */
const MONITORS_PER_TEAM = 100;

export interface LoadedMonitor {
  id: string;
  token: string;
  /** When the monitor's deadline passes, epoch ms. */
  dueAt: number;
}

export interface IdleMonitorShape {
  platform: Platform;
  channelId: string;
  periodSeconds: number;
  graceMs: number;
  /** When the monitor's last ping came, epoch ms; its deadline is one period and grace later. */
  lastPingAt: number;
}

type ScriptPipeline = ChainableCommander & {
  drumbeatCreate(...args: string[]): ScriptPipeline;
  drumbeatSetArmed(...args: string[]): ScriptPipeline;
};

/**
 * Returns a monitor in the state its first success ping leaves it in: `up`, with a deadline
 * one period and grace after `lastPingAt`. Every loaded monitor is a copy of it with its own id,
 * token, name and team.
 */
export function idleMonitorTemplate(shape: IdleMonitorShape): Monitor {
  const created = buildMonitor(
    {
      id: 'template',
      token: 'template',
      teamId: 'template',
      platform: shape.platform,
      channelId: shape.channelId,
      name: 'template',
      schedule: { kind: 'interval', periodSeconds: shape.periodSeconds },
      graceMs: shape.graceMs,
      maxRuntimeMs: null,
      createdBy: 'U0BENCH0001',
    },
    shape.lastPingAt - 1000,
  );
  const ping = {
    kind: 'success' as const,
    exitStatus: null,
    rid: null,
    method: 'GET',
    body: '',
    bodyBytesCut: 0,
    userAgent: 'curl/8.5.0',
    remoteAddress: '127.0.0.1',
  };
  return transition(created, { type: 'ping', ping }, shape.lastPingAt).monitor;
}

export class BulkLoader {
  private readonly keys: Keys;
  private readonly queue: DeadlineQueue;
  private nextIndex = 0;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    redisUrl: string,
  ) {
    this.keys = new Keys(keyPrefix);
    // Defines the store's scripts on this client, so the pipeline below can call them.
    new MonitorStore(redis, this.keys);
    this.queue = new DeadlineQueue(DEADLINE_QUEUE, {
      connection: { url: redisUrl },
      prefix: this.keys.queuePrefix(),
    });
  }

  /** Writes `count` copies of `template`. The deadline jobs' delays count from `now`. */
  async load(template: Monitor, count: number, now: number): Promise<LoadedMonitor[]> {
    const loaded: LoadedMonitor[] = [];
    for (let start = 0; start < count; start += BATCH_SIZE) {
      const batch = this.copies(template, Math.min(BATCH_SIZE, count - start));
      await this.writeBatch(batch, now);
      for (const monitor of batch) {
        loaded.push({ id: monitor.id, token: monitor.token, dueAt: monitor.dueAt ?? 0 });
      }
    }
    return loaded;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  private copies(template: Monitor, count: number): Monitor[] {
    const monitors: Monitor[] = [];
    for (let i = 0; i < count; i++) {
      const index = this.nextIndex++;
      monitors.push({
        ...template,
        id: newMonitorId(),
        token: newPingToken(),
        // Ids and names of the lengths Slack and users give them: `T0…` ids, 16-letter names.
        teamId: `slack:T${String(Math.floor(index / MONITORS_PER_TEAM)).padStart(10, '0')}`,
        name: `nightly-${String(index).padStart(8, '0')}`,
      });
    }
    return monitors;
  }

  private async writeBatch(monitors: Monitor[], now: number): Promise<void> {
    const pipeline = this.redis.pipeline() as ScriptPipeline;
    const jobs: ReturnType<typeof Deadlines.jobFor>[] = [];
    for (const monitor of monitors) {
      const keys = this.keys;
      pipeline.drumbeatCreate(
        keys.teamNames(monitor.teamId),
        keys.monitor(monitor.id),
        keys.tokenIndex(monitor.token),
        monitor.name,
        monitor.id,
        encodeMonitor(monitor, null),
        monitor.token,
      );
      const fireAt = fireTimeFor(monitor.dueAt);
      if (fireAt === null) continue;
      pipeline.drumbeatSetArmed(
        keys.monitor(monitor.id),
        keys.armed(),
        '',
        String(fireAt),
        monitor.id,
      );
      jobs.push(Deadlines.jobFor(monitor.id, fireAt, now));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error, reply]) => error !== null || reply !== 1);
    if (failed) throw new Error(`bulk load write failed: ${String(failed[0] ?? failed[1])}`);
    await this.queue.addBulk(jobs);
  }
}
