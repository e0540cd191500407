// Deadline jobs that never run: one lost from Redis, one left in BullMQ's delayed set with a
// time no worker will reach, as when workers stop promoting delayed jobs. The periodic sweep
// (every second here) must find both monitors past due, fix them and log that it did.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { FaultStack, firstText } from './harness.js';

// BullMQ 6 scores a delayed job as its due time times 4096 plus a counter.
const DELAYED_SCORE_FACTOR = 4096;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({ env: { DRUMBEAT_SWEEP_INTERVAL_MS: '1000' } });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

async function armedJobId(monitorId: string): Promise<string> {
  const { armedAt } = await stack.monitor(monitorId);
  if (armedAt === null) throw new Error(`monitor ${monitorId} has no deadline job`);
  return Deadlines.jobId(monitorId, armedAt);
}

describe('sweep of overdue deadlines', () => {
  it('re-adds a deadline job that was lost', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('lost-job', 'every 2 seconds grace 1s');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const queue = stack.queue('deadlines');
    try {
      await queue.remove(await armedJobId(monitor.id));
      expect(await queue.getJob(await armedJobId(monitor.id))).toBeUndefined();

      const alert = await stack.waitForAlert(monitor.id, 10_000);
      expect(firstText(alert)).toContain('is late');
      const repaired = await stack.waitForLogs(/sweep repaired an overdue deadline/, monitor.id);
      expect(repaired).toHaveLength(1);
      expect(repaired[0]?.state).toBe('missing');
      expect(stack.alertsOf(monitor.id)).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });

  it('promotes a delayed job left past its time', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('stuck-job', 'every 2 seconds grace 1s');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const jobId = await armedJobId(monitor.id);
    const delayedKey = `${stack.keys.queuePrefix()}:deadlines:delayed`;
    const farFuture = (Date.now() + 86_400_000) * DELAYED_SCORE_FACTOR;
    expect(await stack.client.zadd(delayedKey, 'XX', 'CH', farFuture, jobId)).toBe(1);

    const alert = await stack.waitForAlert(monitor.id, 10_000);
    expect(firstText(alert)).toContain('is late');
    const repaired = await stack.waitForLogs(/sweep repaired an overdue deadline/, monitor.id);
    expect(repaired.length).toBeGreaterThanOrEqual(1);
    expect(repaired[0]?.state).toBe('delayed');
    expect(repaired[0]?.overdueMs).toBeGreaterThanOrEqual(2000);
    expect(stack.alertsOf(monitor.id)).toHaveLength(1);
  });
});
