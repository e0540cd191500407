// Chat commands against a Redis that is full or gone: the reply names the storage and what to do,
// where it used to be a general apology. Each test runs a private redis-server.

import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/bot/commands/context.js';
import { CommandCore } from '../../../src/bot/commands/core.js';
import { Deadlines } from '../../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../../src/scheduler/notifications.js';
import { Keys } from '../../../src/store/keys.js';
import { MonitorStore } from '../../../src/store/monitors.js';
import { TeamStore } from '../../../src/store/teams.js';
import { PrivateRedis } from '../../support/private-redis.js';

const logger = pino({ level: 'silent' });
const owner: CommandContext = {
  platform: 'slack',
  teamId: 'slack:TSTORAGE',
  userId: 'USTORAGE',
  channelId: 'COPS',
  now: Date.parse('2026-06-10T12:00:00Z'),
  userTimezone: null,
};

/** Creates the command core on `url`, as the service does, with a function that closes it. */
async function coreOn(url: string): Promise<{ core: CommandCore; close: () => Promise<void> }> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  await redis.connect();
  const keys = new Keys('storage-failures');
  const connection = { url, maxRetriesPerRequest: null };
  const store = new MonitorStore(redis, keys);
  const teams = new TeamStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  // The queues lose their connections too when a test stops Redis.
  deadlines.queue.on('error', () => {});
  notifications.queue.on('error', () => {});
  const events = new MonitorEvents(store, deadlines, notifications, logger, () => owner.now);
  const core = new CommandCore({ store, teams, events, logger, publicUrl: 'http://127.0.0.1' });
  const close = async () => {
    await Promise.all([deadlines.close(), notifications.close()]);
    redis.disconnect();
  };
  return { core, close };
}

describe('command replies when Redis fails', () => {
  let redis: PrivateRedis | undefined;
  let close: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await close?.();
    close = undefined;
    await redis?.destroy();
    redis = undefined;
  });

  it('names a full Redis and maxmemory', { timeout: 30_000 }, async () => {
    redis = await PrivateRedis.start();
    const opened = await coreOn(redis.url);
    close = opened.close;
    // The first command works, and then Redis is full.
    expect((await opened.core.run('list', owner)).isError).toBe(false);
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory', '1');
    admin.disconnect();

    const reply = await opened.core.run('new oomjob every 1 hour', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      "Drumbeat's storage (Redis) is full, so this command may not have finished. Whoever runs " +
        "Drumbeat needs to raise Redis's maxmemory or free memory there. Then run the command again.",
    );
  });

  it('names a Redis that cannot be reached', { timeout: 30_000 }, async () => {
    redis = await PrivateRedis.start();
    const opened = await coreOn(redis.url);
    close = opened.close;
    expect((await opened.core.run('list', owner)).isError).toBe(false);
    await redis.stop();

    const reply = await opened.core.run('list', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      'Drumbeat cannot reach its storage (Redis) right now, so this command may not have ' +
        'finished. Try again in a minute. If it keeps failing, tell whoever runs Drumbeat.',
    );
  });
});
