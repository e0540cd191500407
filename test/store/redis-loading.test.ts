// A service that starts while Redis loads its dataset logs why it waits. These tests use a real
// redis-server made slow to load with its key-load-delay setting.

import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { watchLoading } from '../../src/store/redis-loading.js';
import { PrivateRedis, startLoadingRedis } from '../support/private-redis.js';
import { ServiceProcess } from '../support/service.js';

interface Logged {
  level: string;
  msg: string;
}

/** Creates a pino logger that keeps its lines in `lines`, with the level's name. */
function capturingLogger(): { logger: pino.Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const stream = {
    write(text: string) {
      const line = JSON.parse(text) as { level: number; msg: string };
      lines.push({ level: pino.levels.labels[line.level] ?? String(line.level), msg: line.msg });
    },
  };
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Creates a client as the service does: its commands wait for a ready check that waits for loads. */
function serviceLikeClient(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    maxLoadingRetryTime: 1000,
  });
  redis.on('error', () => {});
  return redis;
}

const LOADING_LINE =
  /^Redis at redis:\/\/127\.0\.0\.1:\d+ is loading its dataset into memory \(\d+% done, (about \d+ s|less than 1 s) left\)\. Drumbeat starts when the load has finished\.$/;

describe('watchLoading', () => {
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await redis?.destroy();
    redis = undefined;
  });

  it('logs the progress and end of a load', {
    timeout: 60_000,
  }, async () => {
    // 20,000 keys at 200 µs each: about 4 s of loading.
    redis = await startLoadingRedis(20_000, 200);
    const { logger, lines } = capturingLogger();
    const client = serviceLikeClient(redis.url);
    const started = Date.now();
    const watch = watchLoading(redis.url, logger, { firstCheckMs: 100, intervalMs: 1000 });
    try {
      await client.connect();
      watch.stop(true);
      const waitedMs = Date.now() - started;
      expect(await client.dbsize()).toBe(20_000);

      expect(lines[0]?.level).toBe('warn');
      expect(lines[0]?.msg).toMatch(LOADING_LINE);
      const progress = lines.slice(1, -1);
      expect(progress.length).toBeGreaterThan(0);
      for (const line of progress) {
        expect(line.level).toBe('info');
        expect(line.msg).toMatch(/^Redis at \S+ is still loading its dataset \(\d+% done/);
      }
      const last = lines.at(-1);
      expect(last?.level).toBe('info');
      const end = /^Redis finished loading its dataset, after a wait of (\d+) s$/.exec(
        last?.msg ?? '',
      );
      expect(end).not.toBeNull();
      // The watch reads the clock a moment before the test does, so the rounding may differ.
      expect(Math.abs(Number(end?.[1]) * 1000 - waitedMs)).toBeLessThanOrEqual(600);
    } finally {
      watch.stop(false);
      client.disconnect();
    }
  });

  it('logs nothing when not loading', async () => {
    redis = await PrivateRedis.start();
    const { logger, lines } = capturingLogger();
    const client = serviceLikeClient(redis.url);
    const watch = watchLoading(redis.url, logger, { firstCheckMs: 0, intervalMs: 50 });
    try {
      await client.connect();
      // Looks at Redis several times before the watch ends.
      await new Promise((resolve) => setTimeout(resolve, 300));
      watch.stop(true);
      expect(lines).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('logs nothing when Redis is down', async () => {
    redis = await PrivateRedis.start();
    const url = redis.url;
    await redis.stop();
    const { logger, lines } = capturingLogger();
    const watch = watchLoading(url, logger, { firstCheckMs: 0, intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    watch.stop(false);
    expect(lines).toEqual([]);
  });
});

describe('the service on a Redis that loads its dataset', () => {
  let redis: PrivateRedis | undefined;
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await service?.destroy();
    service = undefined;
    await redis?.destroy();
    redis = undefined;
  });

  it('stops on SIGTERM while it waits', { timeout: 60_000 }, async () => {
    redis = await startLoadingRedis(20_000, 1000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        DRUMBEAT_ROLES: 'worker',
        DRUMBEAT_KEY_PREFIX: 'test-loading-sigterm',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('is loading its dataset') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).toContain('is loading its dataset');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const messages = output
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages.at(-1)).toBe('stopping before the start finished');
      expect(messages).not.toContain('drumbeat started');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('waits for the load, then starts', { timeout: 60_000 }, async () => {
    redis = await startLoadingRedis(20_000, 200);
    service = await ServiceProcess.start({ REDIS_URL: redis.url, DRUMBEAT_ROLES: 'worker' });
    const messages = service.logs.map((line) => String(line.msg));
    const waiting = messages.findIndex((msg) => LOADING_LINE.test(msg));
    const finished = messages.findIndex((msg) =>
      /^Redis finished loading its dataset, after a wait of \d+ s$/.test(msg),
    );
    const started = messages.indexOf('drumbeat started');
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(finished).toBeGreaterThan(waiting);
    expect(started).toBeGreaterThan(finished);
    expect(service.logs[waiting]?.level).toBe(40);
  });
});
