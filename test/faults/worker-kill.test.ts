// The worker dies or stalls before Slack's response to its chat.postMessage arrives: Slack posted
// the alert, but Drumbeat never learned the message's ts. BullMQ runs the job again, after a
// restart or on another worker, and that run must edit the posted message, not post another.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryStore } from '../../src/store/deliveries.js';
import { waitFor } from '../support/redis.js';
import { ServiceProcess } from '../support/service.js';
import { FaultStack, sleep } from './harness.js';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('worker killed while posting an alert', () => {
  it('delivers the alert exactly once after a restart', { timeout: 40_000 }, async () => {
    const monitor = await stack.createMonitor('ledger-export', 'every 1 hour');
    stack.slack.failNext('chat.postMessage', { kind: 'delay', delayMs: 20_000 });
    expect((await fetch(`${monitor.pingUrl}/fail`, { method: 'POST', body: 'boom' })).status).toBe(
      200,
    );

    // Slack has the message, and the worker waits for the response: kill it now.
    const posted = await stack.waitForAlert(monitor.id, 8000);
    await stack.service.stop('SIGKILL');
    const incidentId = (await stack.monitor(monitor.id)).monitor.incident?.id;
    expect(incidentId).toBeDefined();
    const deliveries = new DeliveryStore(stack.client, stack.keys);
    expect(await deliveries.get(monitor.id, incidentId!)).toBeNull();

    await stack.restartService();

    // The job runs again once its lock expires, finds the message and stores its ts.
    const ref = await waitFor(
      async () => (await deliveries.get(monitor.id, incidentId!)) ?? undefined,
      15_000,
      'delivery record after the restart',
    );
    expect(ref.messageId).toBe(posted.ts);
    expect(stack.alertsOf(monitor.id)).toHaveLength(1);
    expect(stack.alertPostsOf(monitor.id)).toBe(1);

    // Later changes edit that message: recovery shows on it and in its thread.
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    await waitFor(
      () => (stack.alertsOf(monitor.id)[0]?.text?.includes('recovered') ? true : undefined),
      10_000,
      'recovery edit',
    );
    await sleep(500);
    expect(stack.alertsOf(monitor.id)).toHaveLength(1);
    expect(stack.alertPostsOf(monitor.id)).toBe(1);
  });

  it('posts once when a stalled job runs again elsewhere', { timeout: 40_000 }, async () => {
    const monitor = await stack.createMonitor('ledger-stall', 'every 1 hour');
    stack.slack.failNext('chat.postMessage', { kind: 'delay', delayMs: 4000 });
    expect((await fetch(`${monitor.pingUrl}/fail`)).status).toBe(200);
    const posted = await stack.waitForAlert(monitor.id, 8000);

    // Freeze the posting worker: its job lock runs out while it waits for Slack's response.
    const frozenPid = Number(stack.service.logs.find((line) => line.pid)?.pid);
    expect(frozenPid).toBeGreaterThan(0);
    process.kill(frozenPid, 'SIGSTOP');
    const others: ServiceProcess[] = [];
    try {
      // A second worker (no web role, so its port is unused) takes the job over.
      others.push(await ServiceProcess.start({ ...stack.service.env, DRUMBEAT_ROLES: 'worker' }));
      const incidentId = (await stack.monitor(monitor.id)).monitor.incident!.id;
      const deliveries = new DeliveryStore(stack.client, stack.keys);
      const ref = await waitFor(
        async () => (await deliveries.get(monitor.id, incidentId)) ?? undefined,
        15_000,
        'delivery record from the second worker',
      );
      expect(ref.messageId).toBe(posted.ts);

      // The first worker wakes up, gets its response and finds the job taken over.
      process.kill(frozenPid, 'SIGCONT');
      await sleep(5000);
      expect(stack.alertsOf(monitor.id)).toHaveLength(1);
      expect(stack.alertPostsOf(monitor.id)).toBe(1);
    } finally {
      process.kill(frozenPid, 'SIGCONT');
      for (const other of others) await other.stop('SIGKILL');
    }
  });
});
