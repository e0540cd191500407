// A connection to Redis that drops after Redis ran a write but before its reply arrived. The
// Redis client sends the write again on its new connection, and the write must find that it
// was already applied instead of applying itself a second time.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../../src/config-variables.js';
import { FaultStack, firstText, sleep } from './harness.js';

describe('a write whose reply was lost', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start({
      proxy: true,
      // The sweep would deliver an alert that its deadline job left behind, but late.
      env: { DRUMBEAT_SWEEP_INTERVAL_MS: String(DEFAULT_SWEEP_INTERVAL_MS) },
    });
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('stores a ping once', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('lost-reply', 'every 1 hour');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const before = (await stack.monitor(monitor.id)).monitor.generation;

    // The body travels only in the write that stores the ping.
    const marker = `lost-reply-${randomUUID()}`;
    stack.proxy!.cutReplyTo((request) => request.includes(marker));
    const response = await fetch(monitor.pingUrl, { method: 'POST', body: marker });

    expect(response.status).toBe(200);
    expect(stack.proxy!.cut).toBe(1);
    const pings = await stack.store.pings(monitor.id, 50);
    expect(pings.filter((ping) => ping.body === marker)).toHaveLength(1);
    expect((await stack.monitor(monitor.id)).monitor.generation - before).toBe(1);
  });

  it('posts the alert of a deadline once, and on time', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('lost-alert', 'every 3 seconds grace 1s');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const fireAt = (await stack.monitor(monitor.id)).armedAt!;

    // The deadline job's write carries the alert for the outbox.
    stack.proxy!.cutReplyTo(
      (request) => request.includes(monitor.id) && request.includes('sync_alert'),
    );
    const alert = await stack.waitForAlert(monitor.id, 20_000);

    expect(stack.proxy!.cut).toBe(1);
    expect(firstText(alert)).toContain('is late');
    expect(Date.now() - fireAt).toBeLessThan(DEFAULT_SWEEP_INTERVAL_MS);
    await sleep(1000);
    expect(stack.alertPostsOf(monitor.id)).toBe(1);
  });
});
