import { describe, expect, it } from 'vitest';
import {
  localFields,
  offsetMsAt,
  offsetTransitions,
  resolveWallTime,
  wallTimeToInstant,
} from '../../src/domain/local-time.js';

const HOUR_MS = 3_600_000;
const wall = (text: string) => Date.parse(`${text}Z`);

describe('resolveWallTime', () => {
  it('maps a normal wall time to one instant', () => {
    expect(resolveWallTime('Europe/Berlin', wall('2025-06-11T09:00'))).toEqual({
      kind: 'normal',
      instant: Date.parse('2025-06-11T07:00:00Z'),
    });
  });

  it('finds the transition for a wall time in a gap', () => {
    expect(resolveWallTime('America/New_York', wall('2025-03-09T02:30'))).toEqual({
      kind: 'gap',
      firstInstantAfter: Date.parse('2025-03-09T07:00:00Z'),
    });
  });

  it('finds both instants of a repeated wall time', () => {
    expect(resolveWallTime('Australia/Lord_Howe', wall('2025-04-06T01:45'))).toEqual({
      kind: 'overlap',
      first: Date.parse('2025-04-05T14:45:00Z'),
      second: Date.parse('2025-04-05T15:15:00Z'),
    });
  });

  it('reads cron style: first instant after a gap, first of an overlap', () => {
    expect(wallTimeToInstant('Australia/Lord_Howe', wall('2025-10-05T02:10'))).toBe(
      Date.parse('2025-10-04T15:30:00Z'),
    );
    expect(wallTimeToInstant('America/New_York', wall('2025-11-02T01:30'))).toBe(
      Date.parse('2025-11-02T05:30:00Z'),
    );
  });
});

describe('offsets', () => {
  it('gives offsets east of UTC as positive', () => {
    expect(offsetMsAt('Asia/Kolkata', 0)).toBe(5.5 * HOUR_MS);
    expect(offsetMsAt('America/New_York', Date.parse('2025-01-15T00:00:00Z'))).toBe(-5 * HOUR_MS);
  });

  it('lists the two changes of a year with their offsets', () => {
    const changes = offsetTransitions(
      'Australia/Lord_Howe',
      Date.parse('2025-01-01T00:00Z'),
      Date.parse('2026-01-01T00:00Z'),
    );
    expect(changes).toEqual([
      {
        instant: Date.parse('2025-04-05T15:00:00Z'),
        offsetBeforeMs: 11 * HOUR_MS,
        offsetAfterMs: 10.5 * HOUR_MS,
      },
      {
        instant: Date.parse('2025-10-04T15:30:00Z'),
        offsetBeforeMs: 10.5 * HOUR_MS,
        offsetAfterMs: 11 * HOUR_MS,
      },
    ]);
  });

  it('splits an instant into local fields', () => {
    expect(localFields('Asia/Kolkata', Date.parse('2025-06-11T20:00:00Z'))).toEqual({
      year: 2025,
      month: 6,
      day: 12,
      hour: 1,
      minute: 30,
      second: 0,
      weekday: 4,
    });
  });
});
