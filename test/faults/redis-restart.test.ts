// Redis goes away under a running service and comes back: with AOF on, from its append-only
// file; without persistence, the deadline jobs are rebuilt from the monitor records at start.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { deletePrefix, waitFor } from '../support/redis.js';
import { FaultStack, firstText, sleep } from './harness.js';

async function deadlineJobState(stack: FaultStack, monitorId: string): Promise<string> {
  const { armedAt } = await stack.monitor(monitorId);
  if (armedAt === null) return 'unarmed';
  const queue = stack.queue('deadlines');
  try {
    const job = await queue.getJob(Deadlines.jobId(monitorId, armedAt));
    return job ? await job.getState() : 'missing';
  } finally {
    await queue.close();
  }
}

describe('Redis restart with AOF', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    // `always` makes every write durable before Redis answers it; `everysec` may lose 1 s.
    stack = await FaultStack.start({
      redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('keeps every monitor and deadline, and loses no alert', { timeout: 60_000 }, async () => {
    const hourly = await stack.createMonitor('aof-hourly', 'every 1 hour');
    const fast = await stack.createMonitor('aof-fast', 'every 4 seconds grace 1s');
    const failing = await stack.createMonitor('aof-failing', 'every 1 hour');
    for (const monitor of [hourly, fast]) expect((await fetch(monitor.pingUrl)).status).toBe(200);
    expect((await fetch(`${failing.pingUrl}/fail`)).status).toBe(200);
    const posted = await stack.waitForAlert(failing.id);
    const before = new Map<string, number | null>();
    for (const monitor of [hourly, fast, failing]) {
      before.set(monitor.id, (await stack.monitor(monitor.id)).armedAt);
    }
    expect(await deadlineJobState(stack, hourly.id)).toBe('delayed');
    expect(await deadlineJobState(stack, fast.id)).toBe('delayed');
    // A failed monitor waits for its next ping with no deadline.
    expect(await deadlineJobState(stack, failing.id)).toBe('unarmed');

    // While Redis is down, pings get 503 with Retry-After, and readiness says why.
    await stack.redis.stop();
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await fetch(hourly.pingUrl);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.text()).toContain('retry later');
      await sleep(200);
    }
    const down = await fetch(`${stack.service.baseUrl}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { redis: string }).redis).toBe('unreachable');

    // Redis comes back from its append-only file, and the service reconnects by itself.
    await stack.redis.start();
    await waitFor(
      async () => ((await fetch(hourly.pingUrl)).status === 200 ? true : undefined),
      15_000,
      'a stored ping after the restart',
    );
    const ready = await waitFor(
      async () => {
        const response = await fetch(`${stack.service.baseUrl}/readyz`);
        return response.status === 200 ? response : undefined;
      },
      15_000,
      'readiness after the restart',
    );
    expect(((await ready.json()) as { status: string }).status).toBe('ok');

    // Every monitor and deadline job is back, and only the pings answered 200 were stored.
    for (const monitor of [hourly, fast, failing]) {
      expect((await stack.monitor(monitor.id)).armedAt).toBe(before.get(monitor.id));
    }
    expect(await deadlineJobState(stack, hourly.id)).toBe('delayed');
    expect((await stack.monitor(failing.id)).monitor.incident?.id).toBeDefined();
    expect(await stack.store.pings(hourly.id, 50)).toHaveLength(2);

    // The fast monitor's deadline passed meanwhile: its alert comes once.
    const late = await stack.waitForAlert(fast.id, 10_000);
    expect(firstText(late)).toContain('is late');

    // The alert posted before the outage is still the one that recovery edits.
    expect((await fetch(failing.pingUrl)).status).toBe(200);
    await waitFor(
      () => (stack.alertsOf(failing.id)[0]?.text?.includes('recovered') ? true : undefined),
      10_000,
      'recovery edit',
    );
    expect(stack.alertsOf(failing.id)[0]?.ts).toBe(posted.ts);
    await sleep(1000);
    expect(stack.alertsOf(fast.id)).toHaveLength(1);
    expect(stack.alertsOf(failing.id)).toHaveLength(1);
    expect(stack.alertsOf(hourly.id)).toHaveLength(0);
  });
});

describe('deadline jobs lost from Redis', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start();
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('rebuilds them from the monitor records at start', { timeout: 40_000 }, async () => {
    const fast = await stack.createMonitor('lost-fast', 'every 5 seconds grace 1s');
    const hourly = await stack.createMonitor('lost-hourly', 'every 1 hour');
    for (const monitor of [fast, hourly]) expect((await fetch(monitor.pingUrl)).status).toBe(200);
    await stack.service.stop('SIGTERM');

    // Every BullMQ key goes, as when a Redis without persistence restarts under the queue,
    // while the monitor records stay.
    await deletePrefix(stack.client, stack.keys.queuePrefix());
    expect(await stack.client.keys(`${stack.keys.queuePrefix()}:*`)).toHaveLength(0);
    expect(await deadlineJobState(stack, fast.id)).toBe('missing');

    await stack.restartService();
    const rebuilt = stack.logsMatching(/rebuilt deadline jobs that were missing/);
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]?.armed).toBe(2);
    expect(await deadlineJobState(stack, hourly.id)).toBe('delayed');

    const late = await stack.waitForAlert(fast.id, 10_000);
    expect(firstText(late)).toContain('is late');
  });
});

describe('Redis that stops answering', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start();
  }, 30_000);

  afterAll(async () => {
    stack?.redis.thaw();
    await stack?.close();
  });

  /** Sends `count` pings at once to a frozen Redis, thaws it, and returns each status and body. */
  async function pingWhileFrozen(url: string, count: number): Promise<string[]> {
    stack.redis.freeze();
    try {
      return await Promise.all(
        Array.from({ length: count }, async () => {
          const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
          return `${response.status} ${await response.text()}`;
        }),
      );
    } finally {
      stack.redis.thaw();
    }
  }

  /** Pings until one is answered 200, once Redis responds again. */
  async function pingUntilStored(url: string): Promise<void> {
    await waitFor(
      async () => ((await fetch(url)).status === 200 ? true : undefined),
      15_000,
      'a stored ping after Redis answers again',
    );
  }

  it('answers pings with 503 instead of waiting', { timeout: 40_000 }, async () => {
    const monitor = await stack.createMonitor('frozen-redis', 'every 1 hour');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);

    // Paused with SIGSTOP, Redis keeps its connections open and responds to nothing.
    stack.redis.freeze();
    const started = Date.now();
    const response = await fetch(monitor.pingUrl, { signal: AbortSignal.timeout(15_000) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).toBe(
      'ping may not be stored: storage did not answer in time, retry later',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    // A write to a frozen Redis may still be applied, so the log does not call the ping lost.
    await waitFor(
      () => (stack.logsMatching(/^ping (may )?not( be)? stored$/).length > 0 ? true : undefined),
      5000,
      'the log line of the ping',
    );
    expect(stack.logsMatching(/^ping may not be stored$/)).toHaveLength(1);
    expect(stack.logsMatching(/^ping not stored$/)).toHaveLength(0);

    stack.redis.thaw();
    await pingUntilStored(monitor.pingUrl);
  });

  it('drops the pings queued behind a stalled write', { timeout: 40_000 }, async () => {
    const monitor = await stack.createMonitor('frozen-burst', 'every 1 hour');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const before = (await stack.store.get(monitor.id))!.monitor.generation;

    const answers = await pingWhileFrozen(monitor.pingUrl, 10);

    // The first ping's write reached Redis and may land. The nine behind it were never sent.
    const sent = '503 ping may not be stored: storage did not answer in time, retry later';
    const dropped = '503 ping not stored: storage did not answer in time, retry later';
    expect(answers.filter((answer) => answer === sent)).toHaveLength(1);
    expect(answers.filter((answer) => answer === dropped)).toHaveLength(9);
    await pingUntilStored(monitor.pingUrl);
    const after = (await stack.store.get(monitor.id))!.monitor.generation;
    // The write that reached Redis, and the ping that found Redis back.
    expect(after - before).toBe(2);
  });

  it('stores no ping that was still looking up its monitor', { timeout: 40_000 }, async () => {
    // Never pinged, so the service looks its token up in Redis first.
    const monitor = await stack.createMonitor('frozen-lookup', 'every 1 hour');
    const before = (await stack.store.get(monitor.id))!.monitor.generation;

    const answers = await pingWhileFrozen(monitor.pingUrl, 10);

    expect(new Set(answers)).toEqual(
      new Set(['503 ping may not be stored: storage did not answer in time, retry later']),
    );
    await pingUntilStored(monitor.pingUrl);
    const after = (await stack.store.get(monitor.id))!.monitor.generation;
    // Only the ping that found Redis back.
    expect(after - before).toBe(1);
  });

  it('reports unready within one check timeout', { timeout: 30_000 }, async () => {
    stack.redis.freeze();
    try {
      const started = Date.now();
      const response = await fetch(`${stack.service.baseUrl}/readyz`);
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(((await response.json()) as { redis: string }).redis).toBe('unreachable');
      // Each check waits at most 2 s, and they run side by side: one after the other took 4 s.
      expect(elapsed).toBeLessThan(3500);
    } finally {
      stack.redis.thaw();
    }
  });
});
