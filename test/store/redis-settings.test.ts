import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort, probeRedis } from '../../src/store/redis-probe.js';
import {
  checkRedisSettings,
  compareVersions,
  MIN_REDIS_VERSION,
} from '../../src/store/redis-settings.js';

interface PrivateRedis {
  client: Redis;
  child: ChildProcess;
  dir: string;
}

const started: PrivateRedis[] = [];

/** Starts a redis-server of this test's own on a free port, with `settings` on its command line. */
async function startRedis(settings: string[]): Promise<Redis> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'drumbeat-settings-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...settings];
  const child = spawn('redis-server', args, { stdio: 'ignore' });

  const deadline = Date.now() + 10_000;
  while ((await probeRedis(port)) !== 'redis') {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`redis-server ${args.join(' ')} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  started.push({ client, child, dir });
  return client;
}

afterAll(async () => {
  for (const { client, child, dir } of started) {
    client.disconnect();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

function infoField(info: string, name: string): string | undefined {
  const line = info.split('\r\n').find((candidate) => candidate.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}

describe('checkRedisSettings on the shared Redis', () => {
  it('reads the version and settings', async () => {
    const redis = new Redis(6379, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const report = await checkRedisSettings(redis);
      const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
      const server = await redis.info('server');

      expect(report.info.version).toBe(infoField(server, 'redis_version'));
      expect(report.info.maxmemoryPolicy).toBe(policy);
      expect(report.info.configAvailable).toBe(true);
      expect(report.info.hz).toBe(Number(infoField(server, 'hz')));
      expect(report.ok).toBe(policy === 'noeviction');
    } finally {
      redis.disconnect();
    }
  });
});

describe('checkRedisSettings on a private Redis', () => {
  it('reports an evicting maxmemory-policy', async () => {
    const redis = await startRedis(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'yes']);
    const report = await checkRedisSettings(redis);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toContain('maxmemory-policy is allkeys-lru');
    expect(report.problems[0]).toContain('CONFIG SET maxmemory-policy noeviction');
    expect(report.problems[0]).toContain('redis.conf');
    expect(report.info.maxmemoryPolicy).toBe('allkeys-lru');
  });

  it('accepts noeviction with AOF on', async () => {
    const settings = ['--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--hz', '100'];
    const report = await checkRedisSettings(await startRedis(settings));
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.info.appendonly).toBe(true);
    expect(report.info.hz).toBe(100);
  });

  it('warns when persistence is off', async () => {
    const settings = ['--maxmemory-policy', 'noeviction', '--appendonly', 'no', '--save', ''];
    const report = await checkRedisSettings(await startRedis(settings));
    expect(report.ok).toBe(true);
    expect(report.info.appendonly).toBe(false);
    expect(report.info.save).toBe('');
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toContain('persistence is off');
    expect(report.warnings[0]).toContain('pings and monitors are lost when Redis restarts');
    expect(report.warnings[0]).toContain('CONFIG SET appendonly yes');
  });

  it('warns when only RDB snapshots are on', async () => {
    const settings = ['--maxmemory-policy', 'noeviction', '--appendonly', 'no', '--save', '3600 1'];
    const report = await checkRedisSettings(await startRedis(settings));
    expect(report.ok).toBe(true);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toContain('since the last RDB snapshot');
  });

  it('falls back to INFO when CONFIG is disabled', async () => {
    const settings = ['--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', ''];
    const report = await checkRedisSettings(await startRedis(settings));
    expect(report.info.configAvailable).toBe(false);
    expect(report.info.maxmemoryPolicy).toBe('volatile-lru');
    expect(report.info.save).toBeNull();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toContain('maxmemory-policy is volatile-lru');
  });
});

describe('checkRedisSettings and the database number', () => {
  it('reports a database this Redis does not have', async () => {
    // ioredis goes on in database 0 when Redis rejects the URL's SELECT at connect.
    const client = new Redis('redis://127.0.0.1:6379/99', { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      const report = await checkRedisSettings(client);
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toBe(
        'REDIS_URL selects database 99, which this Redis does not have. Use a database number ' +
          'below its databases setting (16 unless changed), or leave the number out for 0.',
      );
    } finally {
      client.disconnect();
    }
  });

  it('accepts a database this Redis has', async () => {
    const client = new Redis('redis://127.0.0.1:6379/3', { maxRetriesPerRequest: 1 });
    try {
      const report = await checkRedisSettings(client);
      expect(report.problems.filter((problem) => problem.includes('database'))).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});

describe('compareVersions', () => {
  it('compares each part as a number', () => {
    expect(compareVersions('6.10.0', MIN_REDIS_VERSION)).toBeGreaterThan(0);
    expect(compareVersions('6.0.16', MIN_REDIS_VERSION)).toBeLessThan(0);
    expect(compareVersions('6.2', MIN_REDIS_VERSION)).toBe(0);
    expect(compareVersions('7.0.15', '7.0.15')).toBe(0);
  });
});
