import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ItemScriptBatcher,
  packItem,
  perItemScript,
  TurnBatcher,
} from '../../src/store/write-batch.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('write-batch');
let redis: Redis;

// Adds ARGV[1] to the counter KEYS[1] and returns the new value. It fails on a text value.
const ADD = `return redis.call('INCRBY', KEYS[1], ARGV[1])`;

type BatchRedis = Redis & {
  testAddMany(keyCount: number, ...args: (string | number)[]): Promise<unknown[]>;
};

beforeAll(() => {
  redis = connectTestRedis();
  redis.defineCommand('testAddMany', { lua: perItemScript(ADD, 1, 1) });
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('TurnBatcher', () => {
  it('sends a full chunk before the turn ends', async () => {
    const sent: number[][] = [];
    const batcher = new TurnBatcher<number, number>(async (items) => {
      sent.push(items);
      return items.map((item) => item * 10);
    }, 2);
    const replies = [batcher.run(1), batcher.run(2)];
    // The second item filled the chunk, so it went out without waiting for setImmediate.
    expect(sent).toEqual([[1, 2]]);
    replies.push(batcher.run(3));
    expect(sent).toHaveLength(1);
    expect(await Promise.all(replies)).toEqual([10, 20, 30]);
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('fails every item when send throws', async () => {
    const batcher = new TurnBatcher<number, number>(() => {
      throw new RangeError('cannot encode');
    }, 2);
    // Two items fill the chunk and flush at once, and the third flushes at the end of the turn.
    const results = await Promise.allSettled([batcher.run(1), batcher.run(2), batcher.run(3)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('cannot encode');
  });

  it('fails every item of a failed call', async () => {
    const batcher = new TurnBatcher<number, number>(() => Promise.reject(new Error('down')), 8);
    const results = await Promise.allSettled([batcher.run(1), batcher.run(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('perItemScript', () => {
  function adder(): { batcher: ItemScriptBatcher<number>; calls: number[] } {
    const calls: number[] = [];
    const batcher = new ItemScriptBatcher<number>((keys, args) => {
      calls.push(keys.length);
      return (redis as BatchRedis).testAddMany(keys.length, ...keys, ...args);
    });
    return { batcher, calls };
  }

  it('runs each item of one call with its own keys and values', async () => {
    const { batcher, calls } = adder();
    const replies = await Promise.all([
      batcher.run({ keys: [`${prefix}:a`], args: [5] }),
      batcher.run({ keys: [`${prefix}:b`], args: [7] }),
      batcher.run({ keys: [`${prefix}:a`], args: [1] }),
    ]);
    expect(replies).toEqual([5, 7, 6]);
    expect(calls).toEqual([3]);
  });

  it('fails only the item that raised an error', async () => {
    await redis.set(`${prefix}:text`, 'not a number');
    const { batcher } = adder();
    const results = await Promise.allSettled([
      batcher.run({ keys: [`${prefix}:c`], args: [2] }),
      batcher.run({ keys: [`${prefix}:text`], args: [2] }),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]?.status).toBe('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('not an integer');
  });
});

describe('packItem', () => {
  it('joins the values with NUL bytes', () => {
    expect(packItem([3, 'id-1', '["a",null]', ''])).toBe('3\0id-1\0["a",null]\0');
  });

  it('rejects a plain value that contains a NUL byte', () => {
    expect(() => packItem(['ok', 'bad\0value'])).toThrow(/NUL byte/);
  });
});
