// Every number of a weekly digest, computed from a week of real history (the state machine and
// the history recorder on Redis, with a frozen clock) and checked against values worked out by
// hand from the scenario in week-scenario.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDigest } from '../../src/digest/channel-digest.js';
import { DigestSource } from '../../src/digest/digest-source.js';
import type { MonitorStats } from '../../src/digest/monitor-stats.js';
import { periodBefore } from '../../src/digest/periods.js';
import { HistoryWorld, OWNER, TEAM } from './harness.js';
import { buildWeek, cet, DIGEST_AT, WEEK_END, WEEK_START, ZONE } from './week-scenario.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let world: HistoryWorld;
let digest: ChannelDigest;

beforeAll(async () => {
  world = HistoryWorld.start('digest-numbers');
  await buildWeek(world);
  const period = periodBefore('weekly', ZONE, DIGEST_AT);
  const digests = await new DigestSource(world.store, world.history).teamDigests(
    TEAM,
    period,
    DIGEST_AT,
  );
  expect(digests).toHaveLength(1);
  digest = digests[0]!;
}, 60_000);

afterAll(async () => {
  await world?.close();
});

function stats(name: string): MonitorStats {
  const found = digest.monitors.find((monitor) => monitor.name === name);
  if (!found) throw new Error(`no stats for ${name}`);
  return found;
}

describe('weekly digest period', () => {
  it('covers Monday to Sunday in the team zone', () => {
    expect(digest.period.startMs).toBe(WEEK_START);
    expect(digest.period.endMs).toBe(WEEK_END);
    expect(digest.period.dayStarts).toEqual([10, 11, 12, 13, 14, 15, 16].map((d) => cet(d, 0)));
  });
});

describe('weekly digest headline', () => {
  it('counts monitors, runs and incidents', () => {
    expect(digest.headline.monitors).toBe(5);
    expect(digest.headline.expectedRuns).toBe(168 + 7 + 7 + 19 + 82);
    expect(digest.headline.onTimeRuns).toBe(168 + 5 + 5 + 19 + 81);
    expect(digest.headline.onTimeShare).toBeCloseTo(278 / 283, 10);
    expect(digest.headline.incidents).toBe(4);
  });

  it('compares with the week before', () => {
    // Only healthy had runs due the week before: 167 after its first ping on Monday 3 March at
    // 00:05, one of them failed.
    expect(digest.previous).toEqual({
      monitors: 4,
      expectedRuns: 167,
      onTimeRuns: 166,
      onTimeShare: 166 / 167,
      incidents: 1,
    });
  });

  it('is not all good', () => {
    expect(digest.allGood).toBe(false);
  });
});

describe('weekly digest order', () => {
  it('lists monitors worst first', () => {
    expect(digest.monitors.map((monitor) => monitor.name)).toEqual([
      'flaky',
      'missed-twice',
      'created-midweek',
      'healthy',
      'paused-two-days',
    ]);
  });
});

describe('weekly digest of a healthy monitor', () => {
  it('has every run on time', () => {
    expect(stats('healthy')).toMatchObject({
      expectedRuns: 168,
      successes: 168,
      failures: 0,
      missed: 0,
      late: 0,
      hung: 0,
      onTimeShare: 1,
      uptimeShare: 1,
      incidents: 0,
      meanAcknowledgeMs: null,
      meanRecoverMs: null,
      longestOutageMs: null,
    });
  });

  it('has run-time percentiles from start and finish', () => {
    // 84 runs of 30 s and 84 of 40 s: the 84th of 168 is 30 s, the 160th is 40 s.
    expect(stats('healthy').medianRunMs).toBe(30 * SECOND);
    expect(stats('healthy').p95RunMs).toBe(40 * SECOND);
  });
});

describe('weekly digest of a flaky monitor', () => {
  it('counts two failures among seven runs', () => {
    expect(stats('flaky')).toMatchObject({
      expectedRuns: 7,
      successes: 5,
      failures: 2,
      missed: 0,
      late: 0,
      hung: 0,
      onTimeShare: 5 / 7,
      incidents: 2,
    });
  });

  it('has the median and p95 run time', () => {
    // Sorted: 60, 65, 70, 75, 80, 90, 120 s. Nearest rank 4 and 7.
    expect(stats('flaky').medianRunMs).toBe(75 * SECOND);
    expect(stats('flaky').p95RunMs).toBe(120 * SECOND);
  });

  it('has the times to acknowledge and recover', () => {
    // Acknowledged after 10 min and 60 min; open from Tue 03:01:30 to Wed 03:01:10 and from
    // Thu 03:02:00 to Fri 03:01:20. Watched from the first ping, Monday 03:00, on.
    const first = DAY - 20 * SECOND;
    const second = DAY - 40 * SECOND;
    expect(stats('flaky').meanAcknowledgeMs).toBe(35 * 60 * SECOND);
    expect(stats('flaky').meanRecoverMs).toBe((first + second) / 2);
    expect(stats('flaky').longestOutageMs).toBe(first);
    const watchedMs = 7 * DAY - 3 * HOUR;
    expect(stats('flaky').uptimeShare).toBeCloseTo(1 - (first + second) / watchedMs, 12);
  });
});

describe('weekly digest of a monitor that missed twice', () => {
  // Late at Wed 03:00:00.001, missed on Thursday, recovered by Fri 02:00:30.
  const outageMs = cet(14, 2, 0, 30) - (cet(12, 3) + 1);

  it('counts the two missed runs', () => {
    expect(stats('missed-twice')).toMatchObject({
      expectedRuns: 7,
      successes: 5,
      failures: 0,
      missed: 2,
      late: 0,
      hung: 0,
      onTimeShare: 5 / 7,
      incidents: 1,
      medianRunMs: null,
      p95RunMs: null,
    });
  });

  it('has one outage of almost two days', () => {
    expect(outageMs).toBe(DAY + 23 * HOUR + 29 * SECOND + 999);
    expect(stats('missed-twice').meanAcknowledgeMs).toBeNull();
    expect(stats('missed-twice').meanRecoverMs).toBe(outageMs);
    expect(stats('missed-twice').longestOutageMs).toBe(outageMs);
    // Watched from the first ping, Monday 02:00:30, on.
    const watchedMs = 7 * DAY - (2 * HOUR + 30 * SECOND);
    expect(stats('missed-twice').uptimeShare).toBeCloseTo(1 - outageMs / watchedMs, 12);
  });
});

describe('weekly digest of a monitor paused for two days', () => {
  it('is not charged for the paused time', () => {
    // 119 h 50 min watched from the first ping, Monday 00:10, at one run per 6 hours.
    expect(stats('paused-two-days')).toMatchObject({
      expectedRuns: 19,
      successes: 19,
      failures: 0,
      missed: 0,
      late: 0,
      hung: 0,
      onTimeShare: 1,
      uptimeShare: 1,
      incidents: 0,
    });
  });

  it('shows the paused day in the grid', () => {
    const states = stats('paused-two-days').row.days.map((day) => day.state);
    expect(states).toEqual(['ok', 'ok', 'ok', 'paused', 'ok', 'ok', 'ok']);
  });
});

describe('weekly digest of a monitor created mid-week', () => {
  // The late run: due 10:42:00, late at 10:42:00.001, reported at 10:50:00.
  const outageMs = 8 * 60 * SECOND - 1;

  it('expects runs from its first ping on', () => {
    // Thursday 14:30 to 23:30 is 10 runs, then 24 a day for three days. The first ping, at
    // 14:30:05, reports the 14:30 run.
    expect(stats('created-midweek')).toMatchObject({
      expectedRuns: 82,
      successes: 81,
      failures: 0,
      missed: 0,
      late: 1,
      hung: 0,
      onTimeShare: 81 / 82,
      incidents: 1,
      meanAcknowledgeMs: null,
      meanRecoverMs: outageMs,
      longestOutageMs: outageMs,
    });
    // Watched from the first ping at 14:30:05, half an hour after the creation.
    const watchedMs = 82 * HOUR - (30 * 60 + 5) * SECOND;
    expect(stats('created-midweek').uptimeShare).toBeCloseTo(1 - outageMs / watchedMs, 12);
  });

  it('has hourly cells from its creation', () => {
    const days = stats('created-midweek').row.days;
    expect(days.map((day) => day.state)).toEqual([
      'none',
      'none',
      'none',
      'ok',
      'ok',
      'late',
      'ok',
    ]);
    const thursday = days[3]!.hours!;
    expect(thursday.slice(0, 14).every((state) => state === 'none')).toBe(true);
    expect(thursday.slice(14).every((state) => state === 'ok')).toBe(true);
    expect(days[5]!.hours![10]).toBe('late');
  });
});

describe('weekly digest changes', () => {
  it('lists what was added, deleted, paused and silenced, in time order', () => {
    expect(digest.changes).toEqual([
      { atMs: cet(10, 0, 30), kind: 'added', name: 'old-report', by: OWNER, untilMs: null },
      { atMs: cet(11, 10), kind: 'deleted', name: 'old-report', by: OWNER, untilMs: null },
      { atMs: cet(12, 12), kind: 'paused', name: 'paused-two-days', by: OWNER, untilMs: null },
      { atMs: cet(13, 9), kind: 'silenced', name: 'flaky', by: OWNER, untilMs: cet(13, 18) },
      { atMs: cet(13, 14), kind: 'added', name: 'created-midweek', by: OWNER, untilMs: null },
      { atMs: cet(14, 12), kind: 'resumed', name: 'paused-two-days', by: OWNER, untilMs: null },
    ]);
  });
});
