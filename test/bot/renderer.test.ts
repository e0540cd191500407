import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRenderer } from '../../src/bot/renderer.js';
import type { Incident } from '../../src/domain/types.js';
import { Keys } from '../../src/store/keys.js';
import { TeamStore } from '../../src/store/teams.js';
import { HOUR, MINUTE, monitorFixture } from '../support/monitors.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('renderer');
let redis: Redis;
let teams: TeamStore;
let reads = 0;

beforeAll(() => {
  redis = connectTestRedis();
  const store = new TeamStore(redis, new Keys(prefix));
  // Counts the reads of team settings that reach Redis.
  teams = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'get') {
        return (teamId: string) => {
          reads += 1;
          return target.get(teamId);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const openedAt = Date.UTC(2026, 6, 1, 12, 0);
const monitor = monitorFixture({ teamId: 'slack:T1', lastPingAt: openedAt - HOUR });
const incident: Incident = {
  id: 'inc-render',
  kind: 'late',
  openedAt,
  expectedAt: openedAt - MINUTE,
  missedRuns: 1,
  lastPingAt: openedAt - HOUR,
  exitStatus: null,
  bodyExcerpt: null,
  runningSince: null,
  repeats: 0,
  acknowledgedBy: null,
  acknowledgedAt: null,
  closedAt: null,
  closeReason: null,
  closedBy: null,
  failedAt: null,
  failures: 0,
};

describe('alert renderer', () => {
  it('shares one settings read among alerts rendered at once', async () => {
    await teams.setTimezone('slack:T1', 'Europe/Berlin');
    reads = 0;
    const renderer = createAlertRenderer(teams);
    const views = await Promise.all(
      [1, 2, 3].map(() => renderer.alert(monitor, incident, 'slack:T1', openedAt)),
    );
    expect(reads).toBe(1);
    expect(JSON.stringify(views[2])).toContain('CEST');
  });

  it('reads the settings again for a later alert', async () => {
    const renderer = createAlertRenderer(teams);
    await teams.setTimezone('slack:T1', 'Europe/Berlin');
    const before = await renderer.alert(monitor, incident, 'slack:T1', openedAt);
    await teams.setTimezone('slack:T1', 'America/New_York');
    const after = await renderer.alert(monitor, incident, 'slack:T1', openedAt);
    expect(JSON.stringify(before)).toContain('CEST');
    expect(JSON.stringify(after)).toContain('GMT-4');
  });
});
