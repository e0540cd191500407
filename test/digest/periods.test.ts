import { describe, expect, it } from 'vitest';
import { countCronRuns, expectedRuns } from '../../src/digest/expected-runs.js';
import { pausedIntervals, subtractIntervals } from '../../src/digest/intervals.js';
import { periodBefore, previousPeriod, weekToDate } from '../../src/digest/periods.js';
import { nextCronRun } from '../../src/domain/cron.js';

const HOUR = 3_600_000;

describe('digest periods', () => {
  it('makes a week that springs forward 167 hours long', () => {
    const period = periodBefore('weekly', 'Europe/Berlin', Date.UTC(2025, 2, 31, 7));
    expect(period.startMs).toBe(Date.UTC(2025, 2, 23, 23));
    expect(period.endMs).toBe(Date.UTC(2025, 2, 30, 22));
    expect(period.endMs - period.startMs).toBe(167 * HOUR);
    expect(period.dayStarts).toHaveLength(7);
    expect(period.dayStarts[6]).toBe(Date.UTC(2025, 2, 29, 23));
  });

  it('makes a week that falls back 169 hours long', () => {
    const period = periodBefore('weekly', 'America/New_York', Date.UTC(2025, 10, 3, 14));
    expect(period.endMs - period.startMs).toBe(169 * HOUR);
  });

  it('covers the day before for a daily digest', () => {
    const period = periodBefore('daily', 'Asia/Kolkata', Date.UTC(2025, 2, 12, 4));
    // Midnight in India is 18:30 UTC the day before.
    expect(period.startMs).toBe(Date.UTC(2025, 2, 10, 18, 30));
    expect(period.endMs).toBe(Date.UTC(2025, 2, 11, 18, 30));
  });

  it('compares a week with the seven days before it', () => {
    const period = periodBefore('weekly', 'Europe/Berlin', Date.UTC(2025, 2, 31, 7));
    const before = previousPeriod(period);
    expect(before.endMs).toBe(period.startMs);
    expect(before.startMs).toBe(Date.UTC(2025, 2, 16, 23));
  });

  it('starts this week on Monday', () => {
    const period = weekToDate('Europe/Berlin', Date.UTC(2025, 2, 13, 12));
    expect(period.kind).toBe('week_to_date');
    expect(period.startMs).toBe(Date.UTC(2025, 2, 9, 23));
  });
});

/** Counts runs by stepping from one to the next, the slow way. */
function stepCount(expression: string, zone: string, fromMs: number, toMs: number): number {
  let count = 0;
  for (
    let t = nextCronRun(expression, zone, fromMs - 1);
    t < toMs;
    t = nextCronRun(expression, zone, t)
  ) {
    count += 1;
  }
  return count;
}

describe('expected cron runs', () => {
  const weekStart = Date.UTC(2025, 2, 23, 23);
  const weekEnd = Date.UTC(2025, 2, 30, 22);

  it.each([
    ['*/15 * * * *', 'Europe/Berlin'],
    ['30 2 * * *', 'Europe/Berlin'],
    ['0 9 * * 1-5', 'Europe/Berlin'],
    ['0 * * * *', 'America/New_York'],
    ['15 1 * * *', 'America/New_York'],
  ])('counts "%s" in %s as stepping does', (expression, zone) => {
    const from = weekStart + 37 * 60_000;
    const to = weekEnd - 5 * HOUR;
    expect(countCronRuns(expression, zone, from, to)).toBe(stepCount(expression, zone, from, to));
  });

  it('counts a run in the gap once', () => {
    expect(countCronRuns('30 2 * * *', 'Europe/Berlin', weekStart, weekEnd)).toBe(7);
  });

  it('runs an hourly job 167 times in a week that springs forward', () => {
    expect(countCronRuns('0 * * * *', 'Europe/Berlin', weekStart, weekEnd)).toBe(167);
  });

  it('does not charge an interval monitor for a pause', () => {
    const paused = pausedIntervals({ state: 'up', pausedAt: null }, [
      {
        atMs: weekStart + 48 * HOUR,
        kind: 'paused',
        monitorId: 'm',
        name: 'm',
        channelId: 'C',
        by: 'U',
        untilMs: null,
        createdAtMs: 0,
        createdBy: 'U',
      },
      {
        atMs: weekStart + 96 * HOUR,
        kind: 'resumed',
        monitorId: 'm',
        name: 'm',
        channelId: 'C',
        by: null,
        untilMs: null,
        createdAtMs: 0,
        createdBy: 'U',
      },
    ]);
    const watched = subtractIntervals({ startMs: weekStart, endMs: weekEnd }, paused);
    expect(expectedRuns({ kind: 'interval', periodSeconds: 3600 }, watched)).toBe(167 - 48);
  });

  it('treats a monitor paused since before the history as paused throughout', () => {
    const paused = pausedIntervals({ state: 'paused', pausedAt: weekStart - 90 * 24 * HOUR }, []);
    const watched = subtractIntervals({ startMs: weekStart, endMs: weekEnd }, paused);
    expect(watched).toEqual([]);
  });
});
