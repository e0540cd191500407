// The command line's Redis client against a real redis-server that is loading its dataset, made
// slow with Redis's key-load-delay setting.

import { afterEach, describe, expect, it } from 'vitest';
import {
  connectWithin,
  createRedisClient,
  describeLoadingWait,
  describeRedisFailure,
  isRedisFailure,
  RedisLoadingError,
  waitWhileLoading,
} from '../../src/cli/redis-client.js';
import { type LoadingProgress, readLoadingProgress } from '../../src/store/redis-loading.js';
import { type PrivateRedis, startLoadingRedis } from '../support/private-redis.js';

describe('command line Redis client on a loading Redis', () => {
  let loading: PrivateRedis | undefined;

  afterEach(async () => {
    await loading?.destroy();
    loading = undefined;
  });

  it('waits until the load finishes', { timeout: 30_000 }, async () => {
    // Redis sleeps 100 µs after each of the 20 000 keys, so it loads for at least 2 s.
    loading = await startLoadingRedis(20_000, 100);
    const redis = createRedisClient(loading.url);
    try {
      await connectWithin(redis, 3000);
      const waits: LoadingProgress[] = [];
      await waitWhileLoading(redis, 25_000, (progress) => waits.push(progress));

      expect(waits).toHaveLength(1);
      expect(waits[0]!.percent).toBeGreaterThanOrEqual(0);
      expect(waits[0]!.percent).toBeLessThan(100);
      expect(await readLoadingProgress(redis)).toBeNull();
      expect(await redis.get('key:19999')).toBe('value');
    } finally {
      redis.disconnect();
    }
  });

  it('stops waiting after the bound', { timeout: 30_000 }, async () => {
    // Redis sleeps 1 ms after each key, so it loads for at least 20 s, far longer than the wait.
    loading = await startLoadingRedis(20_000, 1000);
    const redis = createRedisClient(loading.url);
    try {
      await connectWithin(redis, 3000);
      const started = Date.now();
      const waited = waitWhileLoading(redis, 1000, () => {});

      await expect(waited).rejects.toBeInstanceOf(RedisLoadingError);
      expect(Date.now() - started).toBeLessThan(5000);
      const error = await waited.catch((caught: unknown) => caught);
      expect(isRedisFailure(error)).toBe(true);
      expect(describeRedisFailure(error, loading.url)).toMatch(
        new RegExp(
          `^Redis at ${loading.url} was still loading its dataset into memory after 1 s ` +
            String.raw`\(\d+% done\)\. Run the command again when the load has finished ` +
            String.raw`\(INFO persistence then shows loading:0\)\.$`,
        ),
      );
    } finally {
      redis.disconnect();
    }
  });

  it('describes a command rejected while loading', { timeout: 30_000 }, async () => {
    // Redis sleeps 1 ms after each key, so it loads for at least 20 s.
    loading = await startLoadingRedis(20_000, 1000);
    const redis = createRedisClient(loading.url);
    try {
      await connectWithin(redis, 3000);
      const error = await redis.get('key:0').catch((caught: unknown) => caught);

      expect((error as Error).message).toMatch(/^LOADING /);
      expect(isRedisFailure(error)).toBe(true);
      expect(describeRedisFailure(error, loading.url)).toBe(
        `Redis at ${loading.url} is loading its dataset into memory and rejected a command, so ` +
          'the command may not have finished. Run the command again when the load has ' +
          'finished (INFO persistence then shows loading:0).',
      );
    } finally {
      redis.disconnect();
    }
  });
});

describe('describeLoadingWait', () => {
  const url = 'redis://127.0.0.1:6400';

  it('shows progress and the bound', () => {
    expect(describeLoadingWait({ percent: 37.18, etaSeconds: 3 }, url)).toBe(
      `Redis at ${url} is loading its dataset into memory (37% done, about 3 s left). ` +
        'Waiting up to 60 s for the load to finish.',
    );
  });

  it('shows an estimate of 0 s as less than a second', () => {
    expect(describeLoadingWait({ percent: 77, etaSeconds: 0 }, url)).toContain(
      '(77% done, less than 1 s left)',
    );
  });

  it('leaves out progress it lacks', () => {
    expect(describeLoadingWait({ percent: null, etaSeconds: null }, url)).toBe(
      `Redis at ${url} is loading its dataset into memory. Waiting up to 60 s for the load to finish.`,
    );
  });
});
