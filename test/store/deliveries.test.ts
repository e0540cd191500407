import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryStore } from '../../src/store/deliveries.js';
import { Keys } from '../../src/store/keys.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('deliveries');
const keys = new Keys(prefix);
let redis: Redis;
let deliveries: DeliveryStore;
let monitorId: string;
let counter = 0;

beforeAll(() => {
  redis = connectTestRedis();
  deliveries = new DeliveryStore(redis, keys);
});

beforeEach(() => {
  counter += 1;
  monitorId = `mon${counter}`;
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const incident = { id: 'inc-new', openedAt: 2_000_000 };
const ref = { platform: 'slack' as const, channelId: 'C1', messageId: '1700000000.000100' };

/** Stores a closed incident in the monitor's history, as the compare-and-set script does. */
async function archive(id: string, openedAt: number): Promise<void> {
  const closed = { id, openedAt, closedAt: openedAt + 60_000, kind: 'missed' };
  await redis.lpush(keys.incidents(monitorId), JSON.stringify(closed));
}

describe('beginFirstPost', () => {
  it('takes the lock and records the first attempt', async () => {
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('first');
    expect(await redis.get(keys.deliveryLock(monitorId, incident.id))).toBe('job-a');
    expect(await redis.pttl(keys.deliveryLock(monitorId, incident.id))).toBeGreaterThan(29_000);
    expect(await deliveries.postAttemptState(monitorId, incident.id)).toBe('attempted');
  });

  it('answers again for the same owner after an earlier attempt', async () => {
    await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000);
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('again');
  });

  it('answers busy while another owner holds the lock, and leaves the lock alone', async () => {
    await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000);
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-b', 30_000)).toBe('busy');
    expect(await redis.get(keys.deliveryLock(monitorId, incident.id))).toBe('job-a');
  });

  it('answers posted once the message exists, without locking', async () => {
    await deliveries.save(monitorId, incident.id, ref);
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('posted');
    expect(await redis.exists(keys.deliveryLock(monitorId, incident.id))).toBe(0);
  });

  it('answers earlier while the previous incident was tried and is not posted', async () => {
    await archive('inc-old', 1_000_000);
    await deliveries.markPostAttempt(monitorId, 'inc-old');
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('earlier');
    expect(await deliveries.postAttemptState(monitorId, incident.id)).toBe('none');
  });

  it('goes ahead when the previous incident is posted, given up, or never tried', async () => {
    await archive('inc-posted', 1_000_000);
    await deliveries.markPostAttempt(monitorId, 'inc-posted');
    await deliveries.save(monitorId, 'inc-posted', ref);
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('first');

    monitorId = `${monitorId}-abandoned`;
    await archive('inc-abandoned', 1_000_000);
    await deliveries.abandonPost(monitorId, 'inc-abandoned');
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('first');

    monitorId = `${monitorId}-untried`;
    await archive('inc-untried', 1_000_000);
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('first');
  });

  it('looks only at incidents opened before this one', async () => {
    await archive('inc-later', 3_000_000);
    await deliveries.markPostAttempt(monitorId, 'inc-later');
    expect(await deliveries.beginFirstPost(monitorId, incident, 'job-a', 30_000)).toBe('first');
  });
});

describe('finishFirstPost', () => {
  it('saves the message, unlocks and takes the item out of the outbox', async () => {
    const item = JSON.stringify({ jobId: 'sync-1', data: { type: 'sync_alert' } });
    await redis.rpush(keys.outbox(monitorId), item);
    await redis.sadd(keys.outboxPending(), monitorId);
    await deliveries.beginFirstPost(monitorId, incident, 'sync-1', 30_000);

    await deliveries.finishFirstPost(monitorId, incident.id, ref, item);

    expect(await deliveries.get(monitorId, incident.id)).toEqual(ref);
    expect(await redis.exists(keys.deliveryLock(monitorId, incident.id))).toBe(0);
    expect(await redis.llen(keys.outbox(monitorId))).toBe(0);
    expect(await redis.sismember(keys.outboxPending(), monitorId)).toBe(0);
  });

  it('keeps the monitor among pending outboxes while other items wait', async () => {
    const item = JSON.stringify({ jobId: 'sync-1', data: {} });
    const other = JSON.stringify({ jobId: 'thread-1', data: {} });
    await redis.rpush(keys.outbox(monitorId), item, other);
    await redis.sadd(keys.outboxPending(), monitorId);

    await deliveries.finishFirstPost(monitorId, incident.id, ref, item);

    expect(await redis.lrange(keys.outbox(monitorId), 0, -1)).toEqual([other]);
    expect(await redis.sismember(keys.outboxPending(), monitorId)).toBe(1);
  });
});
