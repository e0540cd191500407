import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/domain/types.js';
import { newPingToken } from '../../src/store/ids.js';
import { PrivateRedis } from '../support/private-redis.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { createHourlyMonitor, type PingStack, startPingStack } from '../support/stack.js';

const createMonitor = (stack: PingStack, name?: string) =>
  createHourlyMonitor(stack, 'cli:ping-api', name);

describe('ping API on Redis', () => {
  let stack: PingStack;
  let monitor: Monitor;

  beforeAll(async () => {
    stack = await startPingStack(TEST_REDIS_URL, { bodyLimitBytes: 10_000 });
    monitor = await createMonitor(stack);
  });
  afterAll(() => stack.close());

  it('stores a success and moves the monitor up', async () => {
    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    const stored = await stack.store.get(monitor.id);
    expect(stored?.monitor.state).toBe('up');
    const pings = await stack.store.pings(monitor.id, 1);
    expect(pings[0]?.kind).toBe('success');
  });

  it('answers 404 for an unknown token', async () => {
    const response = await fetch(`${stack.baseUrl}/ping/${newPingToken()}`);
    expect(response.status).toBe(404);
  });

  it('answers 400 for exit status 256', async () => {
    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}/256`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/exit status/i);
  });

  it('answers 400 for a run id that is no UUID', async () => {
    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}/start?rid=abc`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/rid/);
  });

  it('counts HEAD as a success', async () => {
    const before = (await stack.store.get(monitor.id))!.monitor.lastSuccessAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    const after = (await stack.store.get(monitor.id))!.monitor.lastSuccessAt;
    expect(after).toBeGreaterThan(before!);
  });

  it('stores the end of a 1 MiB body', async () => {
    const errorLine = 'Error: disk full\n';
    const body = `START${'x'.repeat(1024 * 1024 - 'START'.length - errorLine.length)}${errorLine}`;
    const response = await fetch(`${stack.baseUrl}/ping/${monitor.token}/fail`, {
      method: 'POST',
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ping-body-limit')).toBe('10000');
    const [ping] = await stack.store.pings(monitor.id, 1);
    expect(ping?.kind).toBe('fail');
    expect(ping?.body.length).toBe(10_000);
    expect(ping?.body.endsWith('xxxError: disk full\n')).toBe(true);
    expect(ping?.body).not.toContain('START');
    expect(ping?.bodyBytesCut).toBe(1024 * 1024 - 10_000);
  });

  it('records exit status and duration of a paired run', async () => {
    const rid = newPingToken();
    await fetch(`${stack.baseUrl}/ping/${monitor.token}/start?rid=${rid}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await fetch(`${stack.baseUrl}/ping/${monitor.token}/3?rid=${rid}`, {
      method: 'POST',
      body: 'oops',
    });
    const [ping] = await stack.store.pings(monitor.id, 1);
    expect(ping?.exitStatus).toBe(3);
    expect(ping?.durationMs).toBeGreaterThanOrEqual(30);
    const stored = await stack.store.get(monitor.id);
    expect(stored?.monitor.state).toBe('failed');
    expect(stored?.monitor.incident?.bodyExcerpt).toBe('oops');
  });

  it('keeps the ping history within its cap', async () => {
    const capped = await createMonitor(stack);
    const cap = stack.store.limits.pingHistory;
    for (let i = 0; i < cap + 10; i++) await fetch(`${stack.baseUrl}/ping/${capped.token}/log`);
    expect(await stack.redis.llen(stack.store.keys.pings(capped.id))).toBe(cap);
  });

  it('finds a monitor by ping key and slug', async () => {
    const named = await createMonitor(stack, 'by-slug');
    const pingKey = await stack.teams.ensurePingKey('cli:ping-api');
    const response = await fetch(`${stack.baseUrl}/ping/${pingKey}/by-slug`);
    expect(response.status).toBe(200);
    expect((await stack.store.get(named.id))?.monitor.state).toBe('up');
    const missing = await fetch(`${stack.baseUrl}/ping/${pingKey}/no-such-slug`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe(
      'not found: no monitor has this ping key and name; add ?create=1 to create it',
    );
  });

  it('names an unknown ping key', async () => {
    const unknownKey = 'M9sAmmwwITLbzmvfjpvLHX';
    for (const query of ['', '?create=1']) {
      const response = await fetch(`${stack.baseUrl}/ping/${unknownKey}/backup${query}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(
        "not found: no team has this ping key; /drumbeat pingkey shows your team's key",
      );
    }
  });

  it('creates a monitor from a slug ping with create=1', async () => {
    const pingKey = await stack.teams.ensurePingKey('cli:ping-api');
    await stack.teams.setDefaultChannel('cli:ping-api', 'cli', 'C9');
    const response = await fetch(`${stack.baseUrl}/ping/${pingKey}/made-by-ping?create=1`);
    expect(response.status).toBe(200);
    const id = await stack.store.idForName('cli:ping-api', 'made-by-ping');
    expect(id).not.toBeNull();
    const stored = await stack.store.get(id!);
    expect(stored?.monitor.channelId).toBe('C9');
    expect(stored?.monitor.state).toBe('up');
  });
});

describe('monitors created by a ping', () => {
  let stack: PingStack;
  beforeAll(async () => {
    stack = await startPingStack(TEST_REDIS_URL, { monitorsPerTeam: 2 });
  });
  afterAll(() => stack.close());

  it('answers 403 with the reason when the team has no alert channel yet', async () => {
    const pingKey = await stack.teams.ensurePingKey('cli:ping-api');
    const response = await fetch(`${stack.baseUrl}/ping/${pingKey}/no-channel?create=1`);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe(
      'monitor not created: the team has no alert channel yet; create a monitor with /drumbeat new first',
    );
    expect(await stack.store.idForName('cli:ping-api', 'no-channel')).toBeNull();
  });

  it('answers 403 with the reason past the team limit, and creates nothing', async () => {
    const pingKey = await stack.teams.ensurePingKey('cli:ping-api');
    await stack.teams.setDefaultChannel('cli:ping-api', 'cli', 'C9');
    await createMonitor(stack, 'first');
    const second = await fetch(`${stack.baseUrl}/ping/${pingKey}/second?create=1`);
    expect(second.status).toBe(200);

    const third = await fetch(`${stack.baseUrl}/ping/${pingKey}/third?create=1`);
    expect(third.status).toBe(403);
    expect(await third.text()).toBe(
      'monitor not created: the team is at its limit of 2 monitors; delete one first',
    );
    expect(await stack.store.idForName('cli:ping-api', 'third')).toBeNull();
    // A ping to a monitor that exists is stored as before.
    expect((await fetch(`${stack.baseUrl}/ping/${pingKey}/second?create=1`)).status).toBe(200);
  });
});

describe('ping rate limit', () => {
  let stack: PingStack;
  beforeAll(async () => {
    stack = await startPingStack(TEST_REDIS_URL, { maxPingsPerMinute: 3 });
  });
  afterAll(() => stack.close());

  it('answers 429 with Retry-After past the rate and stores nothing more', async () => {
    const monitor = await createMonitor(stack);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await fetch(`${stack.baseUrl}/ping/${monitor.token}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await stack.redis.llen(stack.store.keys.pings(monitor.id))).toBe(3);
  });
});

describe('ping while Redis is down', () => {
  let redis: PrivateRedis;
  let stack: PingStack;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stack = await startPingStack(redis.url);
  });
  afterAll(async () => {
    await stack.close();
    await redis.destroy();
  });

  it('answers 503 with Retry-After, then 200 once Redis is back', async () => {
    const monitor = await createMonitor(stack);
    expect((await fetch(`${stack.baseUrl}/ping/${monitor.token}`)).status).toBe(200);
    await redis.stop();
    const down = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).not.toBeNull();
    // The data of a Redis without persistence is gone after its restart, so recreate it.
    await redis.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await createMonitorAgain(stack, monitor);
    const up = await fetch(`${stack.baseUrl}/ping/${monitor.token}`);
    expect(up.status).toBe(200);
  });
});

async function createMonitorAgain(stack: PingStack, monitor: Monitor): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await stack.store.create(monitor);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('Redis did not come back');
}
