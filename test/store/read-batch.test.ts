import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetBatcher } from '../../src/store/read-batch.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('read-batch');
let redis: Redis;
/** The keys of each MGET the batcher sent, in order. */
const sent: string[][] = [];

function batcher(maxKeys?: number): GetBatcher {
  return new GetBatcher((keys) => {
    sent.push(keys);
    return redis.mget(keys);
  }, maxKeys);
}

beforeAll(async () => {
  redis = connectTestRedis();
  await redis.mset(`${prefix}:a`, 'one', `${prefix}:b`, 'two', `${prefix}:c`, 'three');
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('GetBatcher', () => {
  it('reads concurrent keys with one MGET', async () => {
    sent.length = 0;
    const reads = batcher();
    const values = await Promise.all(
      ['a', 'b', 'missing', 'c'].map((name) => reads.get(`${prefix}:${name}`)),
    );
    expect(values).toEqual(['one', 'two', null, 'three']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(4);
  });

  it('sends reads of later turns on their own', async () => {
    sent.length = 0;
    const reads = batcher();
    expect(await reads.get(`${prefix}:a`)).toBe('one');
    await redis.set(`${prefix}:a`, 'changed');
    expect(await reads.get(`${prefix}:a`)).toBe('changed');
    expect(sent).toHaveLength(2);
  });

  it('splits a large batch into MGETs of at most maxKeys', async () => {
    sent.length = 0;
    const reads = batcher(2);
    const values = await Promise.all(['a', 'b', 'c'].map((name) => reads.get(`${prefix}:${name}`)));
    expect(values).toEqual([expect.any(String), 'two', 'three']);
    expect(sent.map((keys) => keys.length)).toEqual([2, 1]);
  });

  it('fails every read of a failed MGET', async () => {
    const reads = new GetBatcher(() => redis.call('MGET') as Promise<(string | null)[]>);
    const results = await Promise.allSettled([reads.get('x'), reads.get('y')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain(
      'wrong number of arguments',
    );
  });
});
