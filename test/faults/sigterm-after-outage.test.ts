// SIGTERM soon after a Redis outage, while BullMQ's connections still wait to reconnect, while
// Redis stays down, and while a job outlasts the stop timeout: the service always exits.

import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/redis.js';
import { FaultStack, sleep } from './harness.js';

let stack: FaultStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Lines that are part of a bare stack trace instead of a JSON log line. */
function stackTraceLines(current: FaultStack): unknown[] {
  return current.service.logs.filter((line) => /^\s+at /.test(String(line.msg)));
}

describe('SIGTERM after a Redis outage', () => {
  it('exits 0 once Redis is back', { timeout: 90_000 }, async () => {
    stack = await FaultStack.start();
    await stack.redis.stop();
    // BullMQ's default wait between reconnection attempts would be about 8 s by now.
    await sleep(12_000);
    await stack.redis.start();
    await sleep(500);

    const startedAt = Date.now();
    const exitCode = await stack.service.stop('SIGTERM');
    const stopMs = Date.now() - startedAt;

    expect(exitCode).toBe(0);
    expect(stopMs).toBeLessThan(10_000);
    expect(stack.service.logs.map((line) => line.msg)).toContain('drumbeat stopped');
    // The outage's connection errors are JSON log lines, not stack traces on standard error.
    expect(stackTraceLines(stack)).toHaveLength(0);
    expect(stack.logsMatching(/queue connection error/).length).toBeGreaterThan(0);
  });

  it('exits 0 while Redis stays down', { timeout: 60_000 }, async () => {
    stack = await FaultStack.start();
    await stack.redis.stop();
    await sleep(2000);

    const startedAt = Date.now();
    const exitCode = await stack.service.stop('SIGTERM');

    expect(exitCode).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(stack.service.logs.map((line) => line.msg)).toContain('drumbeat stopped');
    expect(stackTraceLines(stack)).toHaveLength(0);
  });

  it('exits 1 when the stop outlasts its timeout', { timeout: 60_000 }, async () => {
    stack = await FaultStack.start({ env: { DRUMBEAT_STOP_TIMEOUT_MS: '3000' } });
    const monitor = await stack.createMonitor('slow-post', 'every 1 hour');
    // The failed alert's chat.postMessage takes 20 s, so its job is still running at the stop.
    stack.slack.failNext('chat.postMessage', { kind: 'delay', delayMs: 20_000 });
    expect((await fetch(`${monitor.pingUrl}/fail`)).status).toBe(200);
    await waitFor(() => stack?.callsTo('chat.postMessage', monitor.id)[0], 8000, 'the slow post');

    const startedAt = Date.now();
    const exitCode = await stack.service.stop('SIGTERM');
    const stopMs = Date.now() - startedAt;

    expect(exitCode).toBe(1);
    expect(stopMs).toBeGreaterThanOrEqual(3000);
    expect(stopMs).toBeLessThan(8000);
    expect(stack.logsMatching(/did not finish within 3000 ms/)).toHaveLength(1);
  });
});
