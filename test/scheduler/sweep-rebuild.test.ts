// The start-up sweep finds monitors with a SCAN of the keyspace, not with the set of monitor
// ids that earlier versions kept, and deletes that set.

import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transition } from '../../src/domain/machine.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { Deadlines, deadlineTarget, fireTimeFor } from '../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../src/scheduler/notifications.js';
import { Sweep } from '../../src/scheduler/sweep.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { pingFixture } from '../support/monitors.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

/** More monitors than one SCAN page of 1,000 keys can hold, so the walk takes several. */
const MONITOR_COUNT = 1200;

const logger = pino({ level: 'silent' });
const base = uniquePrefix('sweep');
const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
let redis: Redis;
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  redis = connectTestRedis();
});

afterAll(async () => {
  for (const close of closers) await close();
  await deletePrefix(redis, base);
  await redis.quit();
});

interface Service {
  keys: Keys;
  store: MonitorStore;
  deadlines: Deadlines;
  sweep: Sweep;
}

function serviceFor(prefix: string): Service {
  const keys = new Keys(prefix);
  const store = new MonitorStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  const events = new MonitorEvents(store, deadlines, notifications, logger, Date.now);
  closers.push(
    () => deadlines.close(),
    () => notifications.close(),
  );
  const sweep = new Sweep({ store, deadlines, events, logger, clock: Date.now });
  return { keys, store, deadlines, sweep };
}

/** Creates monitors pinged just now, each with a deadline an hour away and no job armed. */
async function createUnarmed(service: Service, count: number): Promise<Monitor[]> {
  const now = Date.now();
  const monitors: Monitor[] = [];
  for (let i = 0; i < count; i++) {
    const created = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId: `cli:sweep-${Math.floor(i / 100)}`,
        platform: 'cli',
        channelId: 'C1',
        name: `job-${i}`,
        schedule: { kind: 'interval', periodSeconds: 3600 },
        graceMs: 60_000,
        maxRuntimeMs: null,
        createdBy: 'U1',
      },
      now - 1000,
    );
    const monitor = transition(
      created,
      { type: 'ping', ping: pingFixture('success') },
      now,
    ).monitor;
    await service.store.create(monitor);
    monitors.push(monitor);
  }
  return monitors;
}

async function scanKeys(pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...page);
  } while (cursor !== '0');
  return keys;
}

async function expectArmed(service: Service, monitor: Monitor): Promise<void> {
  const fireAt = fireTimeFor(monitor.dueAt)!;
  const stored = await service.store.get(monitor.id);
  expect(stored?.armedAt, monitor.id).toBe(fireAt);
  const job = await service.deadlines.queue.getJob(Deadlines.jobId(monitor.id, fireAt));
  expect(job, monitor.id).toBeDefined();
  expect(await job!.getState(), monitor.id).toBe('delayed');
  expect(deadlineTarget(job!.id, job!.data), monitor.id).toEqual({
    monitorId: monitor.id,
    fireAt,
    silenceEnd: false,
  });
}

describe('start-up sweep', () => {
  it('arms every monitor found by SCAN', { timeout: 60_000 }, async () => {
    const service = serviceFor(`${base}:scan`);
    const monitors = await createUnarmed(service, MONITOR_COUNT);
    expect(await redis.exists(service.keys.legacyMonitorSet())).toBe(0);
    // Keys that the record pattern matches but that are no monitor records.
    const first = monitors[0]!;
    await redis.set(`${service.keys.monitor(first.id)}:delivery:{not-a-record}`, 'x');
    await redis.hset(service.keys.monitor('a-hash-not-a-record'), 'field', 'value');

    expect(await service.sweep.rebuildAll()).toBe(MONITOR_COUNT);
    for (const monitor of monitors) await expectArmed(service, monitor);
    // Nothing is missing now, so a second walk arms nothing.
    expect(await service.sweep.rebuildAll()).toBe(0);

    // Jobs lost from Redis, as after a restore without BullMQ's keys: only those come back.
    const lost = [monitors[3]!, monitors[500]!, monitors[MONITOR_COUNT - 1]!];
    for (const monitor of lost) {
      const jobId = Deadlines.jobId(monitor.id, fireTimeFor(monitor.dueAt)!);
      await redis.del(service.deadlines.queue.toKey(jobId));
    }
    expect(await service.sweep.rebuildAll()).toBe(lost.length);
    for (const monitor of lost) {
      const stored = await service.store.get(monitor.id);
      const job = await service.deadlines.queue.getJob(
        Deadlines.jobId(monitor.id, stored!.armedAt!),
      );
      expect(job, monitor.id).toBeDefined();
    }
  });

  it('scans only its own glob prefix', async () => {
    const own = serviceFor(`${base}:a*`);
    const other = serviceFor(`${base}:ab`);
    const [mine] = await createUnarmed(own, 1);
    const [theirs] = await createUnarmed(other, 1);
    const matched = await scanKeys(own.keys.monitorPattern());
    expect(matched).toContain(own.keys.monitor(mine!.id));
    expect(matched).not.toContain(other.keys.monitor(theirs!.id));

    expect(await own.sweep.rebuildAll()).toBe(1);
    await expectArmed(own, mine!);
    expect((await other.store.get(theirs!.id))?.armedAt).toBeNull();
  });

  it('deletes the legacy monitor set', async () => {
    const service = serviceFor(`${base}:legacy`);
    const monitors = await createUnarmed(service, 3);
    // Earlier versions added every monitor to this set, and a deleted one may linger in it.
    const legacySet = service.keys.legacyMonitorSet();
    await redis.sadd(legacySet, ...monitors.map((monitor) => monitor.id), newMonitorId());
    await service.store.delete(monitors[2]!);

    expect(await service.sweep.rebuildAll()).toBe(2);
    expect(await redis.exists(legacySet)).toBe(0);
    await expectArmed(service, monitors[0]!);
    await expectArmed(service, monitors[1]!);
  });
});
