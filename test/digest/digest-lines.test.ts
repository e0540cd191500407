// Lines of the digest message about incidents and changes. The history is real: the state
// machine and the history recorder on Redis, with a frozen clock (see harness.ts).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestSource } from '../../src/digest/digest-source.js';
import { weekToDate } from '../../src/digest/periods.js';
import type { DigestView } from '../../src/digest/view.js';
import { digestView } from '../../src/digest/view.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { HistoryWorld, TEAM } from './harness.js';
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

describe('digest change lines', () => {
  it('says a ping created the monitor', async () => {
    const createdAt = cet(12, 10);
    const monitor = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId: TEAM,
        platform: 'slack',
        channelId: 'C0ALERTS1',
        name: 'newjob',
        schedule: { kind: 'interval', periodSeconds: 86_400 },
        graceMs: 3_600_000,
        maxRuntimeMs: null,
        createdBy: 'ping',
      },
      createdAt,
    );
    await world.store.create(monitor);

    const view = await viewAt(createdAt + 60 * SECOND);
    expect(view.changes).toEqual(['today, 10:00 CET: newjob created by its first ping']);
    expect(view.changes.join('\n')).not.toContain('<@');
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
