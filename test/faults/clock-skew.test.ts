// A producer whose clock is behind adds a deadline job that BullMQ runs at once: BullMQ adds
// the delay to the producer's own timestamp. The job must do nothing but wait for its time.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { FaultStack, firstText, sleep } from './harness.js';

const PRODUCER_SKEW_MS = 120_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('deadline job from a skewed clock', () => {
  it('waits for its fire time, then alerts once', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('skewed-export', 'every 5 seconds grace 1s');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const { armedAt } = await stack.monitor(monitor.id);
    expect(armedAt).not.toBeNull();
    const jobId = Deadlines.jobId(monitor.id, armedAt!);

    // Replace the armed job with the same job as a producer 120 s behind would add it.
    const queue = stack.queue('deadlines');
    try {
      await queue.remove(jobId);
      const now = Date.now();
      const skewed = Deadlines.jobFor(monitor.id, armedAt!, now);
      await queue.add(skewed.name, skewed.data, {
        ...skewed.opts,
        timestamp: now - PRODUCER_SKEW_MS,
      });

      // BullMQ runs it at once; it raises nothing and waits, under its id, for its fire time.
      await sleep(1000);
      expect(Date.now()).toBeLessThan(armedAt!);
      expect(stack.alertsOf(monitor.id)).toHaveLength(0);
      const early = await stack.monitor(monitor.id);
      expect(early.monitor.state).toBe('up');
      expect(early.armedAt).toBe(armedAt);
      const job = await queue.getJob(jobId);
      expect(await job?.getState()).toBe('delayed');
      expect(job?.attemptsMade ?? 0).toBe(0);

      // At its fire time it runs again and the monitor goes late, once.
      const alert = await stack.waitForAlert(monitor.id, armedAt! - Date.now() + 5000);
      expect(firstText(alert)).toContain('is late');
      expect(Date.now()).toBeGreaterThanOrEqual(armedAt!);
      await sleep(500);
      expect(stack.alertsOf(monitor.id)).toHaveLength(1);
      expect(stack.logsMatching(/sweep repaired/)).toHaveLength(0);
    } finally {
      await queue.close();
    }
  });
});
