// Pings that arrive together for one monitor, as from a fleet of workers that share it. Each is
// a compare-and-set on the monitor, and before the recorder wrote them in turn, 20 at once lost
// 9 with a 503 and 300 at once lost 290.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Monitor } from '../../src/domain/types.js';
import { RedisPingRecorder } from '../../src/ingest/record-ping.js';
import { createSilentLogger } from '../../src/logger.js';
import { ConcurrentChangeError } from '../../src/scheduler/monitor-events.js';
import { pingFixture } from '../support/monitors.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { createHourlyMonitor, type PingStack, startPingStack } from '../support/stack.js';

let stack: PingStack;
let second: PingStack;

beforeAll(async () => {
  stack = await startPingStack(TEST_REDIS_URL);
  second = await startPingStack(TEST_REDIS_URL, { prefix: stack.prefix });
});
afterAll(async () => {
  await second.close();
  await stack.close();
});

const createMonitor = () => createHourlyMonitor(stack, 'cli:ping-concurrency');

/** Sends `count` pings to `monitor` at once through `through`, and returns their statuses. */
async function pingAtOnce(through: PingStack, monitor: Monitor, count: number) {
  const answers = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(`${through.baseUrl}/ping/${monitor.token}`).then(async (response) => {
        await response.text();
        return response.status;
      }),
    ),
  );
  return answers;
}

async function generationOf(monitor: Monitor): Promise<number> {
  const stored = await stack.store.get(monitor.id);
  if (!stored) throw new Error(`monitor ${monitor.id} is missing`);
  return stored.monitor.generation;
}

describe('concurrent pings to one monitor', () => {
  it('stores each of 300 pings at once', async () => {
    const monitor = await createMonitor();
    const before = await generationOf(monitor);

    const statuses = await pingAtOnce(stack, monitor, 300);

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Each stored success ping adds one to the generation.
    expect((await generationOf(monitor)) - before).toBe(300);
  });

  it('stores them in the order of their times', async () => {
    const monitor = await createMonitor();
    await pingAtOnce(stack, monitor, 100);

    const newestFirst = await stack.store.pings(monitor.id, 50);
    expect(newestFirst).toHaveLength(50);
    const times = newestFirst.map((ping) => ping.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('stores pings sent to two web processes at once', async () => {
    const monitor = await createMonitor();
    const before = await generationOf(monitor);

    const [first, other] = await Promise.all([
      pingAtOnce(stack, monitor, 150),
      pingAtOnce(second, monitor, 150),
    ]);

    expect([...first, ...other].filter((status) => status !== 200)).toEqual([]);
    expect((await generationOf(monitor)) - before).toBe(300);
  });

  it('stores the time each ping arrived', async () => {
    const monitor = await createMonitor();
    let now = Date.now();
    const recorder = new RedisPingRecorder({
      store: stack.store,
      teams: stack.teams,
      events: stack.events,
      logger: createSilentLogger(),
      clock: () => now,
      rateLimit: { windowSeconds: 60, maxPings: 0 },
    });
    const target = { kind: 'token' as const, token: monitor.token };
    const first = recorder.record(target, pingFixture('start'));
    const arrivedAt = now;
    const second = recorder.record(target, pingFixture('success'));
    // The second ping waits for the first one's write, and the clock moves on meanwhile.
    now += 60_000;

    expect(await first).toEqual({ status: 'stored' });
    expect(await second).toEqual({ status: 'stored' });
    const [success, start] = await stack.store.pings(monitor.id, 2);
    expect(start?.kind).toBe('start');
    expect(success?.kind).toBe('success');
    expect(success?.at).toBe(arrivedAt);
  });

  it('gives up after 40 conflicting writes', async () => {
    const monitor = await createMonitor();
    const stored = (await stack.store.get(monitor.id))!;
    const write = stack.store.compareAndSet.bind(stack.store);
    let attempts = 0;
    // Another writer changes the monitor in Redis right before each attempt.
    const rival = vi.spyOn(stack.store, 'compareAndSet').mockImplementation(async (...args) => {
      attempts += 1;
      const current = (await stack.store.get(monitor.id))!.monitor;
      await write({ ...current, generation: current.generation + 1 }, current.generation);
      return write(...args);
    });
    try {
      const applied = stack.events.applyPing(monitor.id, pingFixture('success'), Date.now(), {
        stored,
        rate: null,
      });

      await expect(applied).rejects.toBeInstanceOf(ConcurrentChangeError);
    } finally {
      rival.mockRestore();
    }
    expect(attempts).toBe(40);
  });

  it('names contention as the cause of a 503', async () => {
    const monitor = await createMonitor();
    const applyPing = second.events.applyPing;
    second.events.applyPing = async (monitorId) => {
      throw new ConcurrentChangeError(`monitor ${monitorId} changed 40 times while applying ping`);
    };
    try {
      const response = await fetch(`${second.baseUrl}/ping/${monitor.token}`);

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.text()).toBe(
        'ping not stored: too many concurrent writes to this monitor, retry later',
      );
    } finally {
      second.events.applyPing = applyPing;
    }
  });
});
