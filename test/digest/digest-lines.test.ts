// Lines of the digest message about incidents and changes. The history is real: the state
// machine and the history recorder on Redis, with a frozen clock (see harness.ts).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestSource } from '../../src/digest/digest-source.js';
import type { ChangeEntry } from '../../src/digest/history-updates.js';
import { weekToDate } from '../../src/digest/periods.js';
import type { DigestView } from '../../src/digest/view.js';
import { digestView } from '../../src/digest/view.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { HistoryWorld, OWNER, TEAM, TEAMMATE } from './harness.js';
import { cet, ZONE } from './week-scenario.js';

const SECOND = 1000;

let world: HistoryWorld;

beforeEach(async () => {
  world = HistoryWorld.start('digest-lines');
  await world.teams.setTimezone(TEAM, ZONE);
});

afterEach(async () => {
  await world?.close();
});

async function viewAt(nowMs: number): Promise<DigestView> {
  const source = new DigestSource(world.store, world.history);
  const digests = await source.teamDigests(TEAM, weekToDate(ZONE, nowMs), nowMs);
  expect(digests).toHaveLength(1);
  return digestView(digests[0]!);
}

const EVERY_MINUTE = { kind: 'interval', periodSeconds: 60 } as const;

/** Creates a monitor that expects a run every minute, with 10 s of grace, at `world.nowMs`. */
function everyMinute(name: string) {
  return world.createMonitor(name, EVERY_MINUTE, { graceMs: 10 * SECOND });
}

describe('digest incident line', () => {
  // Every minute with 10 s of grace. Four failures each recover 66 ms later, then a run
  // starts and hangs, and is still running when the digest is shown.
  it('counts open incidents apart', async () => {
    const startMs = cet(12, 10);
    world.nowMs = startMs;
    const monitor = await everyMinute('worker');
    await world.ping(monitor, 'success');
    for (let index = 1; index <= 4; index++) {
      world.nowMs = startMs + index * 5 * SECOND;
      await world.ping(monitor, 'fail');
      world.nowMs += 66;
      await world.ping(monitor, 'success');
    }
    world.nowMs = startMs + 30 * SECOND;
    await world.ping(monitor, 'start');
    await world.fireDeadline(monitor); // 10 s later: hung

    const view = await viewAt(startMs + 5 * 60 * SECOND);
    const line = view.monitors[0]?.details.at(-1);
    expect(line).toBe(
      '5 incidents, 1 still open: not acknowledged, the 4 others recovered after 66ms on average',
    );
  });

  it('says an only open incident has not recovered', async () => {
    const startMs = cet(12, 10);
    world.nowMs = startMs;
    const monitor = await everyMinute('worker');
    await world.ping(monitor, 'fail');

    const view = await viewAt(startMs + 60 * SECOND);
    const line = view.monitors[0]?.details.at(-1);
    expect(line).toBe('1 incident: not acknowledged, not recovered yet');
  });

  it('names the one other recovered incident', async () => {
    const startMs = cet(12, 10);
    world.nowMs = startMs;
    const monitor = await everyMinute('worker');
    await world.ping(monitor, 'fail');
    world.nowMs = startMs + 2 * SECOND;
    await world.ping(monitor, 'success');
    world.nowMs = startMs + 4 * SECOND;
    await world.ping(monitor, 'fail');

    const view = await viewAt(startMs + 60 * SECOND);
    const line = view.monitors[0]?.details.at(-1);
    expect(line).toBe('2 incidents, 1 still open: not acknowledged, the other recovered after 2s');
  });
});

/** Creates a daily monitor that a `?create=1` ping created at `createdAt`. */
async function createdByPing(name: string, createdAt: number) {
  const monitor = buildMonitor(
    {
      id: newMonitorId(),
      token: newPingToken(),
      teamId: TEAM,
      platform: 'slack',
      channelId: 'C0ALERTS1',
      name,
      schedule: { kind: 'interval', periodSeconds: 86_400 },
      graceMs: 3_600_000,
      maxRuntimeMs: null,
      createdBy: 'ping',
    },
    createdAt,
  );
  await world.store.create(monitor);
  return monitor;
}

describe('digest change lines', () => {
  it('says a ping created the monitor', async () => {
    const createdAt = cet(12, 10);
    await createdByPing('newjob', createdAt);

    const view = await viewAt(createdAt + 60 * SECOND);
    expect(view.changes).toEqual(['today, 10:00 CET: newjob created by its first ping']);
    expect(view.changes.join('\n')).not.toContain('<@');
  });

  // A digest lists only channels with a live monitor, so each test keeps one from before the week.
  it('says a ping created a deleted monitor', async () => {
    world.nowMs = cet(9, 12);
    await everyMinute('kept');
    const monitor = await createdByPing('newjob', cet(12, 10));
    world.nowMs = cet(12, 11);
    await world.delete(monitor, TEAMMATE);

    const view = await viewAt(cet(12, 12));
    expect(view.changes).toEqual([
      'today, 10:00 CET: newjob created by its first ping',
      'today, 11:00 CET: newjob deleted by <@U0MATE001>',
    ]);
  });

  it('names who added a deleted monitor', async () => {
    world.nowMs = cet(9, 12);
    await everyMinute('kept');
    world.nowMs = cet(12, 10);
    const monitor = await everyMinute('oldjob');
    world.nowMs = cet(12, 11);
    await world.delete(monitor, TEAMMATE);

    const view = await viewAt(cet(12, 12));
    expect(monitor.createdBy).toBe(OWNER);
    expect(view.changes).toEqual([
      'today, 10:00 CET: oldjob added by <@U0OWNER01>',
      'today, 11:00 CET: oldjob deleted by <@U0MATE001>',
    ]);
  });

  it('reads a deletion stored without its creator', async () => {
    world.nowMs = cet(9, 12);
    await everyMinute('kept');
    const stored: Omit<ChangeEntry, 'createdBy'> = {
      atMs: cet(12, 11),
      kind: 'deleted',
      monitorId: newMonitorId(),
      name: 'oldjob',
      channelId: 'C0ALERTS1',
      by: TEAMMATE,
      untilMs: null,
      createdAtMs: cet(12, 10),
    };
    const key = world.digestKeys.teamChanges(TEAM);
    await world.redis.zadd(key, stored.atMs, JSON.stringify(stored));

    const entries = await world.history.readChanges(TEAM, cet(12, 0), cet(13, 0));
    expect(entries).toEqual([{ ...stored, createdBy: null }]);
    const view = await viewAt(cet(12, 12));
    expect(view.changes).toEqual([
      'today, 10:00 CET: oldjob added',
      'today, 11:00 CET: oldjob deleted by <@U0MATE001>',
    ]);
  });
});

describe('digest monitors without trouble', () => {
  it('lists monitors waiting for a first ping apart', async () => {
    const startMs = cet(12, 10);
    world.nowMs = startMs;
    const healthy = await everyMinute('healthy');
    await everyMinute('not-set-up');
    await world.ping(healthy, 'success');

    const good = await viewAt(startMs + 30 * SECOND);
    expect(good.allGood).not.toBeNull();
    expect(good.others).toBe('Waiting for a first ping: not-set-up.');

    const failing = await everyMinute('failing');
    world.nowMs = startMs + 40 * SECOND;
    await world.ping(failing, 'fail');
    const troubled = await viewAt(startMs + 50 * SECOND);
    expect(troubled.monitors.map((monitor) => monitor.name)).toEqual(['failing']);
    expect(troubled.others).toBe('No trouble: healthy. Waiting for a first ping: not-set-up.');
  });
});
