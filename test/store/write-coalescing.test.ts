import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../src/store/write-coalescing.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('write-coalescing');
const clients: Redis[] = [];

/** Connects a client that counts its socket writes, each one a write to the kernel. */
async function countedClient(coalesce: boolean) {
  const redis = connectTestRedis();
  clients.push(redis);
  if (coalesce) coalesceWrites(redis);
  await redis.ping();
  const counts = { writes: 0 };
  countWrites(redis, counts);
  redis.on('connect', () => countWrites(redis, counts));
  return { redis, counts };
}

function countWrites(redis: Redis, counts: { writes: number }): void {
  const stream = (redis as unknown as { stream: Socket }).stream as Socket & {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (this: unknown, ...args: unknown[]) {
    counts.writes += 1;
    return write.apply(this, args);
  };
  stream._writev = function (this: unknown, ...args: unknown[]) {
    counts.writes += 1;
    return writev.apply(this, args);
  };
}

/** Sets `n` keys to their own names, then reads them back in one turn. */
async function readManyInOneTurn(redis: Redis, n: number, before: () => void) {
  const keys = Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
  await redis.mset(...keys.flatMap((key) => [key, key]));
  before();
  return Promise.all(keys.map((key) => redis.get(key)));
}

afterEach(async () => {
  const [first] = clients;
  if (first) await deletePrefix(first, prefix);
  await Promise.all(clients.splice(0).map((redis) => redis.quit()));
});

describe('coalesceWrites', () => {
  it('sends one turn in one write', async () => {
    const { redis, counts } = await countedClient(true);
    const values = await readManyInOneTurn(redis, 20, () => {
      counts.writes = 0;
    });
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `${prefix}:${i}`));
    expect(counts.writes).toBe(1);
  });

  it('writes each command without it', async () => {
    const { redis, counts } = await countedClient(false);
    await readManyInOneTurn(redis, 20, () => {
      counts.writes = 0;
    });
    expect(counts.writes).toBeGreaterThan(1);
  });

  it('writes later turns separately', async () => {
    const { redis, counts } = await countedClient(true);
    counts.writes = 0;
    await redis.set(`${prefix}:a`, '1');
    await redis.set(`${prefix}:b`, '2');
    expect(await redis.mget(`${prefix}:a`, `${prefix}:b`)).toEqual(['1', '2']);
    expect(counts.writes).toBe(3);
  });

  it('fails only the rejected command', async () => {
    const { redis, counts } = await countedClient(true);
    await redis.set(`${prefix}:text`, 'not a number');
    counts.writes = 0;
    const results = await Promise.allSettled([
      redis.incr(`${prefix}:counter`),
      redis.incr(`${prefix}:text`),
      redis.get(`${prefix}:text`),
    ]);
    expect(counts.writes).toBe(1);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]?.status).toBe('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/not an integer/);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'not a number' });
  });

  it('coalesces after a reconnect', async () => {
    const { redis, counts } = await countedClient(true);
    const firstSocket = (redis as unknown as { stream: Socket }).stream;
    const reconnected = new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect(true);
    await reconnected;
    expect((redis as unknown as { stream: Socket }).stream).not.toBe(firstSocket);
    const values = await readManyInOneTurn(redis, 10, () => {
      counts.writes = 0;
    });
    expect(values).toHaveLength(10);
    expect(counts.writes).toBe(1);
  });
});
