// Expected runs and uptime start at a monitor's first ping, because a new monitor cannot alert
// before it. Real history from the state machine and the history recorder on Redis, with a
// frozen clock (see harness.ts), plus the estimate for history written before the first ping
// was stored.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestSource } from '../../src/digest/digest-source.js';
import type { MonitorHistory } from '../../src/digest/history-store.js';
import { firstPingTime } from '../../src/digest/monitor-stats.js';
import { weekToDate } from '../../src/digest/periods.js';
import { emptyCounters, SLOT_MS } from '../../src/digest/slots.js';
import { digestView } from '../../src/digest/view.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { HistoryWorld, OWNER, TEAM } from './harness.js';
import { cet, ZONE } from './week-scenario.js';

const SECOND = 1000;

let world: HistoryWorld;

beforeEach(async () => {
  world = HistoryWorld.start('first-ping');
  await world.teams.setTimezone(TEAM, ZONE);
});

afterEach(async () => {
  await world?.close();
});

describe('digest of a monitor pinged long after its creation', () => {
  // Every 5 seconds with 5 s of grace: created at 01:07:09, first pinged 89 s later, once more
  // on time, then late and missed until it is paused at 01:09:26. The 89 s before the first
  // ping expect nothing.
  it('expects runs from the first ping on', async () => {
    const createdAt = cet(12, 1, 7, 9);
    world.nowMs = createdAt;
    const monitor = await world.createMonitor(
      'fast',
      { kind: 'interval', periodSeconds: 5 },
      { graceMs: 5 * SECOND },
    );
    const firstPingAt = createdAt + 89 * SECOND;
    world.nowMs = firstPingAt;
    await world.ping(monitor, 'success');
    world.nowMs = firstPingAt + 5 * SECOND;
    await world.ping(monitor, 'success');
    await world.fireDeadline(monitor); // late
    await world.fireDeadline(monitor); // missed 2 runs
    const pausedAt = createdAt + 137 * SECOND;
    world.nowMs = pausedAt;
    await world.apply(monitor, { type: 'pause', by: OWNER });

    const nowMs = pausedAt + 60 * SECOND;
    const source = new DigestSource(world.store, world.history);
    const [digest] = await source.teamDigests(TEAM, weekToDate(ZONE, nowMs), nowMs);
    const stats = digest!.monitors[0]!;
    // 48 s from the first ping to the pause, at one run per 5 s.
    expect(stats.expectedRuns).toBe(9);
    expect(stats.successes).toBe(2);
    expect(stats.missed).toBe(2);
    // Late at 1 ms past the second ping's run and grace, open until the pause.
    const downMs = pausedAt - (firstPingAt + 15 * SECOND + 1);
    expect(stats.uptimeShare).toBeCloseTo(1 - downMs / (48 * SECOND), 12);
    expect(digestView(digest!).monitors[0]?.summary).toBe(
      '2 of 9 expected runs on time (22.2%); 2 missed',
    );
  });

  it('expects the cron run that the first ping reports', async () => {
    // Hourly at :30 with 10 minutes of grace, created at 09:00 and first pinged at 10:32,
    // which reports the 10:30 run. Runs from 10:30 to 13:30 are due by 13:45.
    world.nowMs = cet(12, 9);
    const schedule = { kind: 'cron' as const, expression: '30 * * * *', timezone: ZONE };
    const monitor = await world.createMonitor('hourly', schedule, { graceMs: 10 * 60 * SECOND });
    for (const hour of [10, 11, 12, 13]) {
      world.nowMs = cet(12, hour, 32);
      await world.ping(monitor, 'success');
    }
    const nowMs = cet(12, 13, 45);
    const source = new DigestSource(world.store, world.history);
    const [digest] = await source.teamDigests(TEAM, weekToDate(ZONE, nowMs), nowMs);
    expect(digest!.monitors[0]).toMatchObject({ expectedRuns: 4, successes: 4 });
  });
});

describe('firstPingTime', () => {
  const createdAt = cet(12, 9, 5);

  function monitorPinged(lastPingAt: number | null): Monitor {
    const monitor = buildMonitor(
      {
        id: 'm1',
        token: 't1',
        teamId: TEAM,
        platform: 'slack',
        channelId: 'C0ALERTS1',
        name: 'job',
        schedule: { kind: 'interval', periodSeconds: 60 },
        graceMs: null,
        maxRuntimeMs: null,
        createdBy: OWNER,
      },
      createdAt,
    );
    return { ...monitor, lastPingAt };
  }

  function historyFrom(fromMs: number, successSlots: number[]): MonitorHistory {
    const slots = new Map(successSlots.map((at) => [at, { ...emptyCounters(), successes: 1 }]));
    return { fromMs, slots, samples: [] };
  }

  it('is null before any ping', () => {
    expect(firstPingTime(monitorPinged(null), historyFrom(cet(3, 0), []))).toBeNull();
  });

  it('uses the stored first ping', () => {
    const history = historyFrom(cet(3, 0), [cet(12, 10)]);
    history.slots.set(cet(12, 11), { ...emptyCounters(), firstPingAt: cet(12, 11, 3) });
    expect(firstPingTime(monitorPinged(cet(12, 12)), history)).toBe(cet(12, 11, 3));
  });

  it('estimates it from the earliest slot with a run', () => {
    const history = historyFrom(cet(3, 0), [cet(12, 11), cet(12, 10, 15)]);
    expect(firstPingTime(monitorPinged(cet(12, 12)), history)).toBe(cet(12, 10, 15));
  });

  it('never estimates it before the creation', () => {
    const history = historyFrom(cet(3, 0), [createdAt - (createdAt % SLOT_MS)]);
    expect(firstPingTime(monitorPinged(cet(12, 12)), history)).toBe(createdAt);
  });

  it('uses the creation when the history starts later', () => {
    const history = historyFrom(cet(12, 10), [cet(12, 11)]);
    expect(firstPingTime(monitorPinged(cet(12, 12)), history)).toBe(createdAt);
  });
});
