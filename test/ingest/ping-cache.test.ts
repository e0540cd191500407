// The recorder keeps the monitors it wrote in memory and writes the next ping with
// compare-and-set straight away. These tests change the monitor behind its back and check that
// the ping is applied to the current value, as when the monitor is read first.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/domain/types.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { createHourlyMonitor, type PingStack, startPingStack } from '../support/stack.js';

let stack: PingStack;

beforeAll(async () => {
  stack = await startPingStack(TEST_REDIS_URL, { maxPingsPerMinute: 3 });
});
afterAll(() => stack.close());

const createMonitor = () => createHourlyMonitor(stack, 'cli:ping-cache');

/** Waits for the next minute when less than 5 s are left, so a test stays in one rate window. */
async function startEarlyInMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
}

const ping = (monitor: Monitor, suffix = '') =>
  fetch(`${stack.baseUrl}/ping/${monitor.token}${suffix}`);

describe('ping after another writer', () => {
  it('applies a ping to a monitor paused since the last ping', async () => {
    const monitor = await createMonitor();
    expect((await ping(monitor)).status).toBe(200);
    await stack.events.apply(monitor.id, { type: 'pause', by: 'U1' });

    expect((await ping(monitor, '/fail')).status).toBe(200);
    const stored = await stack.store.get(monitor.id);
    // A ping resumes a paused monitor; the failure is applied on top of the pause.
    expect(stored?.monitor.pausedBy).toBeNull();
    expect(stored?.monitor.state).toBe('failed');
    expect(stored?.monitor.generation).toBe(3);
    const pings = await stack.store.pings(monitor.id, 5);
    expect(pings.map((p) => p.kind)).toEqual(['fail', 'success']);
  });

  it('answers 404 once the monitor is deleted', async () => {
    const monitor = await createMonitor();
    expect((await ping(monitor)).status).toBe(200);
    const stored = await stack.store.get(monitor.id);
    await stack.store.delete(stored!.monitor);

    expect((await ping(monitor)).status).toBe(404);
  });

  it('counts every ping against the rate, also those written in one step', async () => {
    const monitor = await createMonitor();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ping(monitor)).status);

    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await stack.store.pings(monitor.id, 10)).toHaveLength(3);
  });

  it('answers a burst past the rate without counting each', async () => {
    const monitor = await createMonitor();
    await startEarlyInMinute();

    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => ping(monitor).then((response) => response.status)),
    );

    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(37);
    // Once a ping finds the limit, the rest of the window gets 429 without a call to Redis.
    const rateKeys = await stack.redis.keys(
      stack.store.keys.pingRate(monitor.id, 0).replace(/0$/, '*'),
    );
    expect(rateKeys).toHaveLength(1);
    expect(Number(await stack.redis.get(rateKeys[0]!))).toBe(4);
    expect(await stack.store.pings(monitor.id, 10)).toHaveLength(3);
  });

  it('answers 404 soon after a limited monitor is deleted', async () => {
    const monitor = await createMonitor();
    await startEarlyInMinute();
    for (let i = 0; i < 4; i++) await ping(monitor);
    expect((await ping(monitor)).status).toBe(429);

    const stored = await stack.store.get(monitor.id);
    await stack.store.delete(stored!.monitor);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    expect((await ping(monitor)).status).toBe(404);
  });

  it('stores each of many concurrent pings once', async () => {
    const monitors = await Promise.all([1, 2, 3, 4].map(() => createMonitor()));
    await Promise.all(monitors.map((monitor) => ping(monitor)));

    // Two rounds of pings at once, so writes of several monitors share one call.
    const answers = await Promise.all(
      monitors.flatMap((monitor) => [ping(monitor, '/log'), ping(monitor, '/log')]),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    for (const monitor of monitors) {
      expect(await stack.store.pings(monitor.id, 10)).toHaveLength(3);
    }
  });
});
