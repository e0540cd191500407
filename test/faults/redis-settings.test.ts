// Redis set up to lose data: an eviction policy stops the start, and /readyz reports it, and
// reports Redis, the BullMQ queues and the workers of the process, as JSON.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../../src/readiness.js';
import { PrivateRedis } from '../support/private-redis.js';
import { waitFor } from '../support/redis.js';
import { FaultStack, runServiceToExit } from './harness.js';

describe('Redis with an eviction policy', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--maxmemory-policy', 'allkeys-lru']);
  });

  afterAll(async () => {
    await redis?.destroy();
  });

  it('stops the start with a message naming the setting', { timeout: 30_000 }, async () => {
    const { code, output } = await runServiceToExit({
      REDIS_URL: redis.url,
      DRUMBEAT_KEY_PREFIX: 'eviction-test',
    });
    expect(code).toBe(1);
    expect(output).toContain('maxmemory-policy is allkeys-lru');
    expect(output).toContain('CONFIG SET maxmemory-policy noeviction');
    expect(output).not.toContain('drumbeat started');
  });
});

describe('readiness endpoint', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start();
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function readiness(): Promise<{ status: number; report: ReadinessReport }> {
    const response = await fetch(`${stack.service.baseUrl}/readyz`);
    expect(response.headers.get('content-type')).toContain('application/json');
    return { status: response.status, report: (await response.json()) as ReadinessReport };
  }

  it('reports Redis, queues and workers as healthy', async () => {
    const { status, report } = await readiness();
    expect(status).toBe(200);
    expect(report.status).toBe('ok');
    expect(report.redis).toBe('ok');
    expect(report.redisSettings).toEqual([]);
    // The test's Redis runs without persistence, which is reported but keeps the process ready.
    expect(report.redisWarnings).toHaveLength(1);
    expect(report.redisWarnings[0]).toContain('appendonly');
    expect(report.queues.deadlines?.status).toBe('ok');
    expect(report.queues.notifications?.status).toBe('ok');
    expect(report.workers).toEqual({ deadlines: 'running', notifications: 'running' });
  });

  it('reports no warning with AOF on', async () => {
    await stack.client.config('SET', 'appendonly', 'yes');
    try {
      const { status, report } = await readiness();
      expect(status).toBe(200);
      expect(report.redisWarnings).toEqual([]);
    } finally {
      await stack.client.config('SET', 'appendonly', 'no');
    }
  });

  it('reports an eviction policy set while running', async () => {
    await stack.client.config('SET', 'maxmemory-policy', 'volatile-lru');
    try {
      const { status, report } = await readiness();
      expect(status).toBe(503);
      expect(report.status).toBe('unhealthy');
      expect(report.redis).toBe('ok');
      expect(report.redisSettings).toHaveLength(1);
      expect(report.redisSettings[0]).toContain('maxmemory-policy is volatile-lru');
    } finally {
      await stack.client.config('SET', 'maxmemory-policy', 'noeviction');
    }
    expect((await readiness()).status).toBe(200);
  });

  it('reports Redis and the queues unreachable', { timeout: 30_000 }, async () => {
    await stack.redis.stop();
    try {
      const startedAt = Date.now();
      const { status, report } = await readiness();
      expect(status).toBe(503);
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect(report.redis).toBe('unreachable');
      expect(report.queues.deadlines?.status).toBe('unreachable');
      expect(report.queues.notifications?.status).toBe('unreachable');
    } finally {
      await stack.redis.start();
    }
    await waitFor(
      async () => ((await readiness()).status === 200 ? true : undefined),
      15_000,
      'readiness after Redis is back',
    );
  });
});
