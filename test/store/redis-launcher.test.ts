import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ensureRedis, type RedisHandle, RedisLaunchError } from '../../src/store/redis-launcher.js';
import { findFreePort, probeRedis } from '../../src/store/redis-probe.js';
import { startLoadingRedis } from '../support/private-redis.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function captureLogger() {
  const lines: LogLine[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Starts a TCP server on 127.0.0.1 that replies to anything like a web server. */
async function startNonRedisServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

const tempDirs: string[] = [];
const handles: RedisHandle[] = [];
const clients: Redis[] = [];

function makeTempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'drumbeat-launcher-')));
  tempDirs.push(dir);
  return dir;
}

async function connect(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  clients.push(client);
  await client.connect();
  return client;
}

beforeAll(async () => {
  // The tests that use 6379 only read from it, but they need a Redis there.
  expect(await probeRedis(6379)).toBe('redis');
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const handle of handles.splice(0)) await handle.stop();
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('probeRedis', () => {
  it('finds the Redis on 6379', async () => {
    expect(await probeRedis(6379)).toBe('redis');
  });

  it('finds nothing on a free port', async () => {
    expect(await probeRedis(await findFreePort())).toBe('none');
  });

  it('tells another server from Redis', async () => {
    const { server, port } = await startNonRedisServer();
    try {
      expect(await probeRedis(port)).toBe('other');
    } finally {
      server.close();
    }
  });
});

describe('ensureRedis with REDIS_URL', () => {
  it('uses the URL as it is', async () => {
    const { logger, lines } = captureLogger();
    const url = 'redis://:hunter2@127.0.0.1:1/3';
    const handle = await ensureRedis({ redisUrl: url, dataDir: makeTempDir(), logger });
    expect(handle.url).toBe(url);
    expect(handle.started).toBe(false);
    await handle.stop();
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});

describe('ensureRedis without REDIS_URL', () => {
  it('uses a Redis already on the port', async () => {
    const { logger } = captureLogger();
    const handle = await ensureRedis({
      redisUrl: null,
      dataDir: makeTempDir(),
      logger,
      port: 6379,
    });
    expect(handle.url).toBe('redis://127.0.0.1:6379');
    expect(handle.started).toBe(false);
  });

  it('uses a loading Redis at once', {
    timeout: 60_000,
  }, async () => {
    // About 20 s of loading, far longer than the start time limit given here.
    const loading = await startLoadingRedis(20_000, 1000);
    try {
      const { logger, lines } = captureLogger();
      const handle = await ensureRedis({
        redisUrl: null,
        dataDir: makeTempDir(),
        logger,
        port: loading.port,
        startTimeoutMs: 500,
      });
      expect(handle.url).toBe(`redis://127.0.0.1:${loading.port}`);
      expect(handle.started).toBe(false);
      expect(lines.map((line) => line.msg)).toEqual([
        `Using the Redis on 127.0.0.1:${loading.port}`,
      ]);
      // The service's connect waits for the load instead, and logs it.
      expect(await probeRedis(loading.port)).toBe('loading');
    } finally {
      await loading.destroy();
    }
  });

  it('starts a private Redis on a free port', async () => {
    const { logger, lines } = captureLogger();
    const dataDir = join(makeTempDir(), 'data');
    const port = await findFreePort();
    const handle = await ensureRedis({ redisUrl: null, dataDir, logger, port });
    handles.push(handle);

    expect(handle.started).toBe(true);
    expect(handle.url).toBe(`redis://127.0.0.1:${port}`);
    const started = lines.find((line) => line.msg.startsWith('Started a private Redis'));
    expect(started?.msg).toContain(dataDir);
    expect(started?.port).toBe(port);
    expect(lines.some((line) => line.component === 'redis-server')).toBe(true);
  });

  it('starts it with the settings Drumbeat needs', async () => {
    const { logger } = captureLogger();
    const dataDir = makeTempDir();
    const handle = await ensureRedis({
      redisUrl: null,
      dataDir,
      logger,
      port: await findFreePort(),
    });
    handles.push(handle);

    const redis = await connect(handle.url);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    expect(await redis.config('GET', 'hz')).toEqual(['hz', '100']);
    expect(await redis.config('GET', 'dir')).toEqual(['dir', dataDir]);
    expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
  });

  it('stops the private Redis on stop()', async () => {
    const { logger, lines } = captureLogger();
    const port = await findFreePort();
    const handle = await ensureRedis({ redisUrl: null, dataDir: makeTempDir(), logger, port });
    expect(await probeRedis(port)).toBe('redis');

    await handle.stop();
    expect(await probeRedis(port)).toBe('none');
    await handle.stop();
    expect(lines.filter((line) => line.msg === 'Stopped the private Redis')).toHaveLength(1);
    expect(lines.some((line) => line.msg.includes('exited unexpectedly'))).toBe(false);
  });

  it('keeps data across restarts in the data directory', async () => {
    const { logger } = captureLogger();
    const dataDir = makeTempDir();
    const port = await findFreePort();
    const first = await ensureRedis({ redisUrl: null, dataDir, logger, port });
    const writer = await connect(first.url);
    await writer.set('drumbeat-launcher-test:kept', 'yes');
    writer.disconnect();
    await first.stop();

    const second = await ensureRedis({ redisUrl: null, dataDir, logger, port });
    handles.push(second);
    expect(second.started).toBe(true);
    const reader = await connect(second.url);
    expect(await reader.get('drumbeat-launcher-test:kept')).toBe('yes');
  });

  it('moves to another port when the port is not Redis', async () => {
    const { server, port } = await startNonRedisServer();
    try {
      const { logger, lines } = captureLogger();
      const handle = await ensureRedis({ redisUrl: null, dataDir: makeTempDir(), logger, port });
      handles.push(handle);
      expect(handle.started).toBe(true);
      expect(handle.url).not.toBe(`redis://127.0.0.1:${port}`);
      expect(await probeRedis(Number(new URL(handle.url).port))).toBe('redis');
      expect(lines.some((line) => line.msg.startsWith('Something that is not Redis'))).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('ensureRedis failures', () => {
  it('explains how to install Redis', async () => {
    const { logger } = captureLogger();
    const options = {
      redisUrl: null,
      dataDir: makeTempDir(),
      logger,
      port: await findFreePort(),
      searchPath: makeTempDir(),
    };
    const error = await ensureRedis(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisLaunchError);
    const launchError = error as RedisLaunchError;
    expect(launchError.code).toBe('redis_not_installed');
    expect(launchError.message).toContain('redis-server is not on PATH');
    expect(launchError.message).toContain('apt-get install redis-server');
    expect(launchError.message).toContain('brew install redis');
    expect(launchError.message).toContain('set REDIS_URL');
  });

  it('reports a redis-server that exits at start', async () => {
    const binDir = makeTempDir();
    const fake = join(binDir, 'redis-server');
    const script = [
      '#!/bin/sh',
      'echo "7:M 04 Dec 2026 14:33:21.636 # WARNING Memory overcommit must be enabled!"',
      'echo "7:M 04 Dec 2026 14:33:21.637 # Fatal: cannot open the config"',
      'exit 1',
    ];
    writeFileSync(fake, `${script.join('\n')}\n`);
    chmodSync(fake, 0o755);

    const { logger, lines } = captureLogger();
    const port = await findFreePort();
    const options = { redisUrl: null, dataDir: makeTempDir(), logger, port, searchPath: binDir };
    const error = await ensureRedis(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisLaunchError);
    const launchError = error as RedisLaunchError;
    expect(launchError.code).toBe('redis_start_failed');
    expect(launchError.message).toContain('exited with code 1');
    expect(launchError.message).toContain('Fatal: cannot open the config');

    const levels = new Map(lines.map((line) => [line.msg, line.level]));
    expect(levels.get('WARNING Memory overcommit must be enabled!')).toBe(40);
    expect(levels.get('Fatal: cannot open the config')).toBe(20);
  });
});
