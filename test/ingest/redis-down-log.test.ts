// The log while Redis is down: the ping path with the real recorder on a Redis client whose
// connection is down, over HTTP on loopback.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPingHandler } from '../../src/ingest/ping-handler.js';
import { RedisPingRecorder } from '../../src/ingest/record-ping.js';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../src/scheduler/notifications.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { memoryLogger, send } from './helpers.js';

const TOKEN = '0b0c39d5-2d1a-4d4f-9f58-2f3c1c5f4a11';

const prefix = uniquePrefix('redis-down');
const keys = new Keys(prefix);
const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
const quiet = pino({ level: 'silent' });
const { logger, lines } = memoryLogger();
let nowMs = 1_000_000;
let down: Redis;
let deadlines: Deadlines;
let notifications: NotificationQueue;
let server: Server;
let port: number;

/** Returns a port on 127.0.0.1 where nothing listens, as for a Redis that stopped. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

beforeAll(async () => {
  // Nothing listens there, and with no offline queue every command fails at once, as while the
  // connection to Redis is lost.
  down = new Redis(`redis://127.0.0.1:${await closedPort()}`, {
    enableOfflineQueue: false,
    retryStrategy: () => 100,
  });
  down.on('error', () => {});
  const store = new MonitorStore(down, keys);
  deadlines = new Deadlines(connection, keys, store, quiet);
  notifications = new NotificationQueue(connection, keys);
  const recorder = new RedisPingRecorder({
    store,
    teams: new TeamStore(down, keys),
    events: new MonitorEvents(store, deadlines, notifications, quiet, Date.now),
    logger,
    clock: Date.now,
    rateLimit: { windowSeconds: 60, maxPings: 0 },
  });
  server = createServer(createPingHandler({ recorder, logger, now: () => nowMs }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.close();
  down.disconnect();
  await Promise.all([deadlines.close(), notifications.close()]);
  // The queues write their settings to the test Redis when they connect.
  const redis = connectTestRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('pings while Redis is down', () => {
  it('log one line per interval, with the cause', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect((await send(port, `/ping/${TOKEN}`)).status).toBe(503);
    }
    nowMs += 10_000;
    expect((await send(port, `/ping/${TOKEN}`)).status).toBe(503);

    const failures = lines.filter((line) => line.level === 50);
    expect(failures.map((line) => line.msg)).toEqual(['ping not stored', 'ping not stored']);
    expect(failures.map((line) => line.suppressed)).toEqual([0, 4]);
    const err = failures[0]?.err as { message?: string } | undefined;
    expect(err?.message).toContain('the ping could not be stored: the Redis connection is down');
    expect(err?.message).toContain("Stream isn't writeable");
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });
});
