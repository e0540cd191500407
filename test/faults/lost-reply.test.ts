// A connection to Redis that drops after Redis ran a write but before its reply arrived. The
// Redis client sends the write again on its new connection, and the write must find that it
// was already applied instead of applying itself a second time.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../../src/config-variables.js';
import { waitFor } from '../support/redis.js';
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

  it('says a ping may be stored when its write was lost', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('lost-write', 'every 1 hour');
    expect((await fetch(monitor.pingUrl)).status).toBe(200);
    const before = (await stack.monitor(monitor.id)).monitor.generation;

    // The connection stays down for a second, so the client gives the write up instead of sending
    // it again. BullMQ's connections, which back off for longer, are back within seconds.
    const marker = `lost-write-${randomUUID()}`;
    stack.proxy!.cutReplyTo((request) => request.includes(marker), { refuseMs: 1000 });
    const response = await fetch(monitor.pingUrl, { method: 'POST', body: marker });

    expect(response.status).toBe(503);
    expect(await response.text()).toBe('ping may not be stored: storage unavailable, retry later');
    expect(stack.proxy!.cut).toBe(1);
    // Redis ran the write, so the ping is stored, which `may not be stored` allows.
    expect((await stack.monitor(monitor.id)).monitor.generation - before).toBe(1);
    await waitFor(
      async () => ((await fetch(monitor.pingUrl)).status === 200 ? true : undefined),
      15_000,
      'a stored ping once the connection is back',
    );
  });

  it('says a ping may be stored when arming it failed', { timeout: 30_000 }, async () => {
    // Never pinged, so its first ping arms its deadline after the write that stores the ping.
    const monitor = await stack.createMonitor('lost-arming', 'every 1 hour');
    const before = await stack.monitor(monitor.id);
    const armedKey = `${stack.keys.armed()}`;

    stack.proxy!.cutReplyTo(
      (request) => request.includes(monitor.id) && request.includes(armedKey),
      { refuseMs: 1000 },
    );
    const response = await fetch(monitor.pingUrl);

    expect(response.status).toBe(503);
    expect(await response.text()).toBe('ping may not be stored: storage unavailable, retry later');
    expect(stack.proxy!.cut).toBe(1);
    expect((await stack.monitor(monitor.id)).monitor.generation).toBe(
      before.monitor.generation + 1,
    );
    // The retry that the 503 requests arms the deadline.
    await waitFor(
      async () => ((await fetch(monitor.pingUrl)).status === 200 ? true : undefined),
      15_000,
      'a stored ping once the connection is back',
    );
    expect((await stack.monitor(monitor.id)).armedAt).not.toBeNull();
  });
});
