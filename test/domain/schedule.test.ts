import { describe, expect, it } from 'vitest';
import { nextRunAfter, nextRuns, typicalPeriodMs } from '../../src/domain/schedule.js';
import type { Schedule } from '../../src/domain/types.js';

const interval: Schedule = { kind: 'interval', periodSeconds: 900 };
const weekdays: Schedule = { kind: 'cron', expression: '30 9 * * 1-5', timezone: 'Europe/Berlin' };

describe('nextRunAfter', () => {
  it('adds the period to the last ping for an interval', () => {
    expect(nextRunAfter(interval, Date.parse('2025-06-11T15:00:07Z'))).toBe(
      Date.parse('2025-06-11T15:15:07Z'),
    );
  });

  it('finds the next cron run in the schedule zone', () => {
    expect(nextRunAfter(weekdays, Date.parse('2025-06-13T08:00:00Z'))).toBe(
      Date.parse('2025-06-16T07:30:00Z'),
    );
  });
});

describe('nextRuns', () => {
  it('lists runs in order', () => {
    const runs = nextRuns(weekdays, Date.parse('2025-06-12T12:00:00Z'), 3).map((run) =>
      new Date(run).toISOString(),
    );
    expect(runs).toEqual([
      '2025-06-13T07:30:00.000Z',
      '2025-06-16T07:30:00.000Z',
      '2025-06-17T07:30:00.000Z',
    ]);
  });

  it('keeps a DST gap run in the list once', () => {
    const gap: Schedule = { kind: 'cron', expression: '0,30 2 * * *', timezone: 'Europe/Berlin' };
    const runs = nextRuns(gap, Date.parse('2025-03-29T12:00:00Z'), 3).map((run) =>
      new Date(run).toISOString(),
    );
    expect(runs).toEqual([
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
    ]);
  });
});

describe('typicalPeriodMs', () => {
  it('is the period of an interval', () => {
    expect(typicalPeriodMs(interval, 0)).toBe(900_000);
  });

  it('is the shortest gap between the next cron runs', () => {
    expect(typicalPeriodMs(weekdays, Date.parse('2025-06-12T12:00:00Z'))).toBe(86_400_000);
    const twice: Schedule = { kind: 'cron', expression: '0 8,20 * * *', timezone: 'UTC' };
    expect(typicalPeriodMs(twice, Date.parse('2025-06-12T12:00:00Z'))).toBe(12 * 3_600_000);
  });
});
