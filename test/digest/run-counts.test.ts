// Each expected run counts once in a digest, as on time, failed, missed, late or hung, so that a
// monitor's counts never add up to more than its expected runs. Real history from the state
// machine and the history recorder on Redis, with a frozen clock (see harness.ts).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelDigest } from '../../src/digest/channel-digest.js';
import { DigestSource } from '../../src/digest/digest-source.js';
import { fitRunCounts, type MonitorStats } from '../../src/digest/monitor-stats.js';
import { type DigestPeriod, periodBefore, weekToDate } from '../../src/digest/periods.js';
import { digestView } from '../../src/digest/view.js';
import { HistoryWorld, TEAM } from './harness.js';
import { cet, ZONE } from './week-scenario.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let world: HistoryWorld;

beforeEach(async () => {
  world = HistoryWorld.start('run-counts');
  await world.teams.setTimezone(TEAM, ZONE);
});

afterEach(async () => {
  await world?.close();
});

async function digestAt(period: DigestPeriod, nowMs: number): Promise<ChannelDigest> {
  const source = new DigestSource(world.store, world.history);
  const digests = await source.teamDigests(TEAM, period, nowMs);
  expect(digests).toHaveLength(1);
  return digests[0]!;
}

function runsCounted(stats: MonitorStats): number {
  return stats.successes + stats.failures + stats.missed + stats.late + stats.hung;
}

describe('digest of a job that recovers after missed runs', () => {
  // The README's first steps: every minute with 10 s of grace, pinged by hand. The monitor
  // expects runs at 62, 122, 200, 275 and 340 s: two missed, one late, one on time, and one
  // late when the digest is shown, which counts as late, as its alert reports. The first
  // ping only starts the schedule, and the ping at 140 s comes after two missed runs.
  it('counts each expected run once', async () => {
    const createdAt = cet(12, 10);
    world.nowMs = createdAt;
    const monitor = await world.createMonitor(
      'backup',
      { kind: 'interval', periodSeconds: 60 },
      { graceMs: 10 * SECOND },
    );
    const at = async (seconds: number) => {
      world.nowMs = createdAt + seconds * SECOND;
      await world.ping(monitor, 'success');
    };
    await at(2);
    await world.fireDeadline(monitor); // 72 s: late
    await world.fireDeadline(monitor); // 132 s: missed 2 runs
    await at(140); // after the second missed run, before the next expected one
    await world.fireDeadline(monitor); // 210 s: late
    await at(215);
    await at(280);
    await world.fireDeadline(monitor); // 350 s: late

    const nowMs = createdAt + 352 * SECOND;
    const digest = await digestAt(weekToDate(ZONE, nowMs), nowMs);
    const stats = digest.monitors[0]!;
    expect(stats.expectedRuns).toBe(5);
    expect(runsCounted(stats)).toBeLessThanOrEqual(stats.expectedRuns);
    expect(stats).toMatchObject({ successes: 1, failures: 0, missed: 2, late: 2, hung: 0 });
    expect(stats.onTimeShare).toBeCloseTo(1 / 5, 12);

    const view = digestView(digest);
    expect(view.monitors[0]?.summary).toBe(
      '1 of 5 expected runs on time (20.0%); 2 missed, 2 late',
    );
    expect(view.headline).toBe('1 monitor, 5 expected runs, 20.0% on time, 3 incidents.');
  });
});

describe('digest of a daily job with reruns', () => {
  // Daily at 03:00 in Berlin with 30 minutes of grace, over Monday 10 to Sunday 16 March 2025.
  // Each run sends a start and a finish. Monday, Friday and Sunday run on time. Tuesday's run
  // fails and its rerun at 10:00 succeeds. Nothing runs on Wednesday and Thursday (late, then
  // missed), and a rerun on Thursday at 11:00 succeeds. Saturday's run hangs and fails later.
  it('counts reruns and the end of a hung run once', async () => {
    world.nowMs = cet(9, 23, 30);
    const schedule = { kind: 'cron' as const, expression: '0 3 * * *', timezone: ZONE };
    const monitor = await world.createMonitor('nightly', schedule, { graceMs: 30 * MINUTE });
    const run = async (startMs: number, kind: 'success' | 'fail', durationMs = MINUTE) => {
      world.nowMs = startMs;
      await world.ping(monitor, 'start');
      world.nowMs = startMs + durationMs;
      await world.ping(monitor, kind);
    };

    await run(cet(10, 3), 'success');
    await run(cet(11, 3), 'fail');
    await run(cet(11, 10), 'success');
    await world.fireDeadline(monitor); // Wednesday 03:30: late
    await world.fireDeadline(monitor); // Thursday 03:30: missed 2 runs
    await run(cet(13, 11), 'success');
    await run(cet(14, 3), 'success');
    world.nowMs = cet(15, 3);
    await world.ping(monitor, 'start');
    await world.fireDeadline(monitor); // Saturday 03:30: hung
    world.nowMs = cet(15, 4);
    await world.ping(monitor, 'fail');
    await run(cet(16, 3), 'success');

    const nowMs = cet(17, 9);
    const digest = await digestAt(periodBefore('weekly', ZONE, nowMs), nowMs);
    const stats = digest.monitors[0]!;
    expect(stats.expectedRuns).toBe(7);
    expect(runsCounted(stats)).toBeLessThanOrEqual(stats.expectedRuns);
    expect(stats).toMatchObject({ successes: 3, failures: 1, missed: 2, late: 0, hung: 1 });
    expect(digestView(digest).monitors[0]?.summary).toBe(
      '3 of 7 expected runs on time (42.9%); 1 failed, 2 missed, 1 hung',
    );
    expect(digest.headline.onTimeRuns).toBe(3);
  });
});

describe('fitRunCounts', () => {
  const none = { successes: 0, failures: 0, missed: 0, late: 0, hung: 0 };

  it('keeps counts that fit', () => {
    const counts = { expectedRuns: 7, successes: 4, failures: 1, missed: 1, late: 1, hung: 0 };
    expect(fitRunCounts(counts)).toEqual(counts);
  });

  it('drops on-time runs beyond the expected ones', () => {
    const counts = { ...none, expectedRuns: 5, successes: 3, missed: 3, late: 1 };
    expect(fitRunCounts(counts)).toEqual({ ...counts, successes: 1 });
  });

  it('raises expected runs to the problems', () => {
    const counts = { ...none, expectedRuns: 0, successes: 1, failures: 1 };
    expect(fitRunCounts(counts)).toEqual({ ...none, expectedRuns: 1, failures: 1 });
  });
});
