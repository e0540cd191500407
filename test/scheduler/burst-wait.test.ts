// A deadline job whose alert is out waits for the other alerts of its burst before it ends, but
// never while the worker is crowded: then its place among the running jobs is needed.

import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRenderer } from '../../src/bot/renderer.js';
import type { AlertView } from '../../src/bot/views.js';
import type { Monitor } from '../../src/domain/types.js';
import { DeadlineWorker } from '../../src/scheduler/deadline-worker.js';
import { Deadlines, deadlineTarget } from '../../src/scheduler/deadlines.js';
import { IngestHeartbeat } from '../../src/scheduler/ingest-heartbeat.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue, NotificationWorker } from '../../src/scheduler/notifications.js';
import type { MessageRef, Notifier } from '../../src/scheduler/notifier.js';
import { DeliveryStore } from '../../src/store/deliveries.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { monitorFixture, pingFixture } from '../support/monitors.js';
import {
  connectTestRedis,
  deletePrefix,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
} from '../support/redis.js';

/** Posts each monitor's alert after the delay set for it, and records when it was posted. */
class SlowNotifier implements Notifier {
  readonly platform = 'cli' as const;
  readonly delayMs = new Map<string, number>();
  readonly postedAt = new Map<string, number>();

  async postAlert(channelId: string, view: AlertView): Promise<MessageRef> {
    const delayMs = this.delayMs.get(view.monitorId) ?? 0;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.postedAt.set(view.monitorId, Date.now());
    return { platform: this.platform, channelId, messageId: `m-${view.monitorId}` };
  }
  async updateAlert(): Promise<void> {}
  async postThreadReply(): Promise<void> {}
}

const logger = pino({ level: 'silent' });
let redis: Redis;
const prefixes: string[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  redis = connectTestRedis();
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix);
  await redis.quit();
});

/** Starts the service's workers on their own prefix, the deadline worker with `concurrency`. */
function startWorkers(concurrency: number) {
  const prefix = uniquePrefix('burst');
  prefixes.push(prefix);
  const keys = new Keys(prefix);
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  const store = new MonitorStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  const events = new MonitorEvents(store, deadlines, notifications, logger, Date.now);
  const notifier = new SlowNotifier();
  const shared = { connection, keys, store, logger, clock: Date.now };
  const notificationWorker = new NotificationWorker({
    ...shared,
    deliveries: new DeliveryStore(redis, keys),
    notifiers: new Map([['cli', notifier]]),
    fallback: notifier,
    renderer: createAlertRenderer(new TeamStore(redis, keys)),
  });
  events.setFirstPoster(notificationWorker);
  const deadlineWorker = new DeadlineWorker({
    ...shared,
    deadlines,
    events,
    heartbeat: new IngestHeartbeat(redis, keys, Date.now),
    concurrency,
  });
  const monitors: Monitor[] = [];
  closers.push(async () => {
    // Deleted monitors stop alerting: their next jobs find nothing.
    for (const monitor of monitors) await store.delete(monitor);
    await Promise.all([deadlineWorker.close(), notificationWorker.close()]);
    await Promise.all([deadlines.close(), notifications.close()]);
  });

  /** Creates a monitor due 2 s after a ping, and pings it. */
  async function pingedMonitor(): Promise<Monitor> {
    const monitor = monitorFixture({
      id: newMonitorId(),
      token: newPingToken(),
      teamId: 'cli:burst',
      platform: 'cli',
      name: `job-${monitors.length + 1}`,
      schedule: { kind: 'interval', periodSeconds: 2 },
      graceMs: 0,
      createdAt: Date.now(),
    });
    await store.create(monitor);
    monitors.push(monitor);
    const ping = { type: 'ping' as const, ping: pingFixture('success') };
    await events.apply(monitor.id, ping, { pingAt: Date.now() });
    return monitor;
  }

  /** Resolves with the time the first deadline job of `monitor` ended. */
  function endOfFirstJob(monitor: Monitor): Promise<number> {
    return new Promise((resolve) => {
      const onCompleted = (job: Job) => {
        if (deadlineTarget(job.id, job.data)?.monitorId !== monitor.id) return;
        deadlineWorker.worker.off('completed', onCompleted);
        resolve(Date.now());
      };
      deadlineWorker.worker.on('completed', onCompleted);
    });
  }

  return { notifier, pingedMonitor, endOfFirstJob };
}

/**
 * Two monitors due 50 ms apart, the first one's alert slow to post. Returns when the second
 * one's alert was posted and its job ended, and when the slow alert was posted.
 */
async function fastJobEnd(concurrency: number) {
  const { notifier, pingedMonitor, endOfFirstJob } = startWorkers(concurrency);
  const slow = await pingedMonitor();
  notifier.delayMs.set(slow.id, 1500);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const fast = await pingedMonitor();
  const fastEnded = endOfFirstJob(fast);
  const slowPostedAt = await waitFor(() => notifier.postedAt.get(slow.id), 8000, 'slow post');
  const fastEndedAt = await fastEnded;
  return { fastPostedAt: notifier.postedAt.get(fast.id)!, fastEndedAt, slowPostedAt };
}

describe('the end of a burst', () => {
  it('holds a job whose alert is out until the burst is out', { timeout: 15_000 }, async () => {
    const { fastPostedAt, fastEndedAt, slowPostedAt } = await fastJobEnd(100);
    expect(fastPostedAt).toBeLessThan(slowPostedAt - 1000);
    expect(fastEndedAt).toBeGreaterThanOrEqual(slowPostedAt);
  });

  it('holds no job while the worker is crowded', { timeout: 15_000 }, async () => {
    // With two places, one running job already crowds the worker.
    const { fastPostedAt, fastEndedAt, slowPostedAt } = await fastJobEnd(2);
    expect(fastPostedAt).toBeLessThan(slowPostedAt - 1000);
    expect(fastEndedAt).toBeLessThan(slowPostedAt - 1000);
  });
});
