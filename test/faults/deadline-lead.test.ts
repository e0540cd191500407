// A deadline job leaves BullMQ's delayed set a second before its deadline and waits in the
// worker. A failure in that second must not cost much more than the same failure a second
// earlier, when the job was still delayed in Redis: the alert comes seconds late, not a minute.
// The service runs with the default lock and sweep settings here, since those decide the delay.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOB_LOCK_MS, DEFAULT_SWEEP_INTERVAL_MS } from '../../src/config-variables.js';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { waitFor } from '../support/redis.js';
import { type CreatedMonitor, FaultStack, firstText, sleep } from './harness.js';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({
    // Every write is on disk before Redis replies, so a killed Redis comes back with all of it.
    redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'],
    env: {
      DRUMBEAT_JOB_LOCK_MS: String(DEFAULT_JOB_LOCK_MS),
      DRUMBEAT_SWEEP_INTERVAL_MS: String(DEFAULT_SWEEP_INTERVAL_MS),
    },
  });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

/** Pings the monitor, then waits until its deadline job is running, before its fire time. */
async function untilJobRuns(monitor: CreatedMonitor): Promise<number> {
  expect((await fetch(monitor.pingUrl)).status).toBe(200);
  const fireAt = (await stack.monitor(monitor.id)).armedAt;
  expect(fireAt).not.toBeNull();
  const queue = stack.queue('deadlines');
  try {
    const jobId = Deadlines.jobId(monitor.id, fireAt!);
    await waitFor(
      async () => ((await (await queue.getJob(jobId))?.getState()) === 'active' ? true : undefined),
      15_000,
      'the deadline job running',
    );
  } finally {
    await queue.close();
  }
  // The job started its lead early and waits for its fire time in the worker.
  expect(Date.now()).toBeLessThan(fireAt!);
  return fireAt!;
}

describe('a failure in the last second before a deadline', () => {
  it('alerts seconds late when the worker is killed', { timeout: 60_000 }, async () => {
    const monitor = await stack.createMonitor('lead-kill', 'every 5 seconds grace 1s');
    const fireAt = await untilJobRuns(monitor);

    await stack.service.stop('SIGKILL');
    await stack.restartService();

    // The job stays active and locked in BullMQ until its lock expires and the stalled check
    // moves it back: the restart, then one to one and a half locks (5 s). With BullMQ's default
    // lock of 30 s, that took 30 s to a minute.
    const alert = await stack.waitForAlert(monitor.id, 30_000);
    const lateMs = Date.now() - fireAt;
    expect(firstText(alert)).toContain('is late');
    expect(lateMs).toBeLessThan(15_000);
    await sleep(1000);
    expect(stack.alertPostsOf(monitor.id)).toBe(1);
  });

  it('alerts once Redis is back when Redis goes away', { timeout: 60_000 }, async () => {
    const monitor = await stack.createMonitor('lead-outage', 'every 5 seconds grace 1s');
    const fireAt = await untilJobRuns(monitor);

    // Redis is gone at the fire time, and back 2 s after it.
    await stack.redis.stop();
    await sleep(fireAt + 2000 - Date.now());
    await stack.redis.start();
    const backAt = Date.now();

    // The job's check failed without Redis and runs again once the worker's connection is
    // back. Without that retry, the job fails and the sweep raises the alert two intervals late.
    const alert = await stack.waitForAlert(monitor.id, 30_000);
    expect(firstText(alert)).toContain('is late');
    expect(Date.now() - backAt).toBeLessThan(5000);
    await stack.service.waitForLog((line) => line.msg === 'deadline passed');
    // NOTE: this failed once in a full CI run on a loaded machine: the alert came in time, but
    // without the retry line. A likely cause, not confirmed: the check's write was in flight
    // as Redis stopped, and ioredis sent it again once Redis was back.
    const retries = stack.logsMatching(/runs again once Redis is back/);
    expect(retries.length).toBeGreaterThan(0);
    await sleep(1000);
    expect(stack.alertPostsOf(monitor.id)).toBe(1);
  });
});
