// The compare-and-set script on a real Redis. A monitor's record and the counter writes that go
// with it (the digest history) are stored in one step or not at all. Writes that share one call
// keep to their own keys.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterWrites } from '../../src/store/counter-writes.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { monitorFixture, pingFixture } from '../support/monitors.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const HOUR_MS = 3_600_000;

let redis: Redis;
let prefix: string;
let store: MonitorStore;

beforeAll(() => {
  redis = connectTestRedis();
  prefix = uniquePrefix('cas');
  store = new MonitorStore(redis, new Keys(prefix));
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

let created = 0;
async function createMonitor() {
  created++;
  const monitor = monitorFixture({
    id: `cas${created}`,
    name: `job-${created}`,
    token: `00000000-0000-4000-8000-${String(created).padStart(12, '0')}`,
  });
  await store.create(monitor);
  return monitor;
}

/** Counter writes on two keys of `id`: a count, a maximum and a sampled run time. */
function countersFor(id: string, runMs: number): CounterWrites {
  return {
    keys: [`${prefix}:test:{${id}}:day`, `${prefix}:test:{${id}}:runs`],
    timesToLiveMs: [2 * HOUR_MS, HOUR_MS],
    sampleCap: 2,
    writes: [1, 'add', 'ok', 1, '', 1, 'max', 'longest', runMs, '', 2, 'sample', 1, runMs, 0.5],
  };
}

describe('compare-and-set with counter writes', () => {
  it('stores the record and its counters in the same step', async () => {
    const monitor = await createMonitor();
    const next = { ...monitor, generation: 1, lastPingAt: 1000 };
    const counters = countersFor(monitor.id, 40);

    const result = await store.compareAndSet(next, 0, { counters });

    expect(result).toEqual({ status: 'written', armedAt: null });
    expect((await store.get(monitor.id))?.monitor.lastPingAt).toBe(1000);
    const [day, runs] = counters.keys as [string, string];
    expect(await redis.hgetall(day)).toEqual({ ok: '1', longest: '40', n: '1' });
    expect(await redis.lrange(runs, 0, -1)).toEqual(['40']);
    const dayTtl = await redis.pttl(day);
    expect(dayTtl).toBeGreaterThan(HOUR_MS);
    expect(dayTtl).toBeLessThanOrEqual(2 * HOUR_MS);
    expect(await redis.pttl(runs)).toBeLessThanOrEqual(HOUR_MS);
  });

  it('stores no counters when the generation moved on', async () => {
    const monitor = await createMonitor();
    await store.compareAndSet({ ...monitor, generation: 1 }, 0);
    const counters = countersFor(monitor.id, 40);

    const next = { ...monitor, generation: 1, lastPingAt: 2000 };
    const result = await store.compareAndSet(next, 0, { counters });

    expect(result.status).toBe('conflict');
    expect(await redis.exists(...counters.keys)).toBe(0);
  });

  it('stores no counters for a ping past its rate', async () => {
    const monitor = await createMonitor();
    const rate = { windowSeconds: 60, limit: 1, now: 5000 };
    await store.compareAndSet({ ...monitor, generation: 1 }, 0, {}, rate);
    const counters = countersFor(monitor.id, 40);

    const result = await store.compareAndSet({ ...monitor, generation: 2 }, 1, { counters }, rate);

    expect(result).toEqual({ status: 'rate_limited', pingsInWindow: 2 });
    expect(await redis.exists(...counters.keys)).toBe(0);
  });

  it('keeps the writes that share one call to their own keys', async () => {
    const monitors = [await createMonitor(), await createMonitor(), await createMonitor()];
    const withCounters = [true, false, true];

    // Started in the same turn, so the three go to Redis in one call with different key counts.
    const results = await Promise.all(
      monitors.map((monitor, i) =>
        store.compareAndSet({ ...monitor, generation: 1, lastPingAt: 100 + i }, 0, {
          counters: withCounters[i] ? countersFor(monitor.id, 10 * (i + 1)) : null,
        }),
      ),
    );

    expect(results.map((result) => result.status)).toEqual(['written', 'written', 'written']);
    for (const [i, monitor] of monitors.entries()) {
      expect((await store.get(monitor.id))?.monitor.lastPingAt).toBe(100 + i);
      const [day] = countersFor(monitor.id, 0).keys as [string];
      const expected = withCounters[i] ? String(10 * (i + 1)) : null;
      expect(await redis.hget(day, 'longest')).toBe(expected);
    }
  });

  it('keeps a uniform sample of at most the cap', async () => {
    const monitor = await createMonitor();
    let generation = 0;
    for (const runMs of [1, 2, 3, 4]) {
      const next = { ...monitor, generation: generation + 1 };
      const counters = countersFor(monitor.id, runMs);
      // 0.5 × seen picks index 1 for the third value (1.5) and index 2, past the cap, for the
      // fourth (2.0), so the third replaces the second and the fourth is dropped.
      expect((await store.compareAndSet(next, generation, { counters })).status).toBe('written');
      generation++;
    }
    const [day, runs] = countersFor(monitor.id, 0).keys as [string, string];
    expect(await redis.lrange(runs, 0, -1)).toEqual(['1', '3']);
    expect(await redis.hget(day, 'n')).toBe('4');
    expect(await redis.hget(day, 'ok')).toBe('4');
  });
});

// A client whose connection drops before the reply sends the call again on a new connection,
// where the write finds the generation it wrote instead of the one it expected.
describe('a compare-and-set that Redis runs twice', () => {
  const pingAt = (at: number, id: string) => ({
    ...pingFixture('success'),
    at,
    durationMs: null,
    id,
  });

  it('finds its ping stored, after another write too', async () => {
    const monitor = await createMonitor();
    const first = { ...monitor, generation: 1, lastPingAt: 1000 };
    const ping = pingAt(1000, 'twice.1');
    expect((await store.compareAndSet(first, 0, { ping })).status).toBe('written');
    const later = { ...first, generation: 2, lastPingAt: 2000 };
    expect((await store.compareAndSet(later, 1, { ping: pingAt(2000, 'twice.2') })).status).toBe(
      'written',
    );

    const again = await store.compareAndSet(first, 0, { ping });

    expect(again).toEqual({ status: 'written', armedAt: null });
    expect((await store.pings(monitor.id, 10)).map((stored) => stored.id)).toEqual([
      'twice.2',
      'twice.1',
    ]);
    expect((await store.get(monitor.id))?.monitor.generation).toBe(2);
  });

  it('tells another ping with the same values from its own', async () => {
    const monitor = await createMonitor();
    const next = { ...monitor, generation: 1, lastPingAt: 1000 };
    await store.compareAndSet(next, 0, { ping: pingAt(1000, 'same.1') });

    // Two processes took two pings in the same millisecond, so only their ids differ.
    const other = await store.compareAndSet(next, 0, { ping: pingAt(1000, 'same.2') });

    expect(other.status).toBe('conflict');
    expect(await store.pings(monitor.id, 10)).toHaveLength(1);
  });

  it('finds a write without a ping by its record', async () => {
    const monitor = await createMonitor();
    const counters = countersFor(monitor.id, 40);
    const next = { ...monitor, generation: 1, state: 'late' as const };
    await store.compareAndSet(next, 0, { counters });

    expect(await store.compareAndSet(next, 0, { counters })).toEqual({
      status: 'written',
      armedAt: null,
    });
    expect(await redis.hget(countersFor(monitor.id, 0).keys[0]!, 'n')).toBe('1');
    // A different record that expected the same generation lost to it.
    const other = await store.compareAndSet({ ...next, state: 'missed' as const }, 0);
    expect(other.status).toBe('conflict');
  });
});
