// The reason in a ping's 503 after a failed write: "not stored" only where the write is known not
// to have run, so that a retry of such a ping counts its run once.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PingStoredError } from '../../src/scheduler/monitor-events.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { createHourlyMonitor, type PingStack, startPingStack } from '../support/stack.js';

// ioredis's error for a command that it did not send, because its connection was down.
const NOT_SENT = "Stream isn't writeable and enableOfflineQueue options is false";

let stack: PingStack;

beforeAll(async () => {
  stack = await startPingStack(TEST_REDIS_URL);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await stack.close();
});

/** Makes the next ping's write fail with `error`, and returns a ping's status and body. */
async function pingFailingWith(error: Error): Promise<string> {
  const monitor = await createHourlyMonitor(stack, 'cli:write-failures');
  vi.spyOn(stack.events, 'applyPing').mockRejectedValueOnce(error);
  const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);
  return `${response.status} ${await response.text()}`;
}

describe('a failed write of a ping', () => {
  it('is not stored when never sent', async () => {
    expect(await pingFailingWith(new Error(NOT_SENT))).toBe(
      '503 ping not stored: storage unavailable, retry later',
    );
  });

  it('may be stored when its connection closed', async () => {
    expect(await pingFailingWith(new Error('Connection is closed.'))).toBe(
      '503 ping may not be stored: storage unavailable, retry later',
    );
  });

  it('may be stored when a later step failed', async () => {
    // The write ran, and the arming after it found the connection down.
    const error = new PingStoredError('ping stored, but a step after it failed', {
      cause: new Error(NOT_SENT),
    });

    expect(await pingFailingWith(error)).toBe(
      '503 ping may not be stored: storage unavailable, retry later',
    );
  });

  it('may be stored when its arming failed', async () => {
    const monitor = await createHourlyMonitor(stack, 'cli:write-failures');
    const before = (await stack.store.get(monitor.id))!.monitor.generation;
    // A first ping arms the monitor's deadline, after the write that stores the ping.
    vi.spyOn(stack.deadlines, 'ensureArmed').mockRejectedValueOnce(new Error(NOT_SENT));

    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);

    expect(response.status).toBe(503);
    expect(await response.text()).toBe('ping may not be stored: storage unavailable, retry later');
    expect((await stack.store.get(monitor.id))!.monitor.generation).toBe(before + 1);
  });
});
