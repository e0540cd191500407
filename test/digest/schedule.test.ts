import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DIGEST_SCHEDULE,
  describeDigestSchedule,
  digestCronPattern,
  parseDigestSchedule,
} from '../../src/digest/schedule.js';
import { DrumbeatError } from '../../src/domain/errors.js';
import { digestRepeatStrategy } from '../../src/scheduler/digests.js';

describe('digest schedule text', () => {
  it.each([
    ['weekly friday 4pm', { cadence: 'weekly', weekday: 5, hour: 16, minute: 0 }],
    ['weekly on Fridays at 4 pm', { cadence: 'weekly', weekday: 5, hour: 16, minute: 0 }],
    ['weekly mon 16:30', { cadence: 'weekly', weekday: 1, hour: 16, minute: 30 }],
    ['weekly', { cadence: 'weekly', weekday: 1, hour: 9, minute: 0 }],
    ['weekly sunday', { cadence: 'weekly', weekday: 0, hour: 9, minute: 0 }],
    ['daily 9am', { cadence: 'daily', hour: 9, minute: 0 }],
    ['daily at 12am', { cadence: 'daily', hour: 0, minute: 0 }],
    ['daily at noon', { cadence: 'daily', hour: 12, minute: 0 }],
    ['daily 9:45pm', { cadence: 'daily', hour: 21, minute: 45 }],
    ['off', { cadence: 'off' }],
  ])('reads "%s"', (text, expected) => {
    expect(parseDigestSchedule(text)).toEqual(expected);
  });

  it.each([
    ['sometimes', '/drumbeat digest weekly friday 4pm'],
    ['weekly at 25:00', '/drumbeat digest weekly 9am'],
    ['daily 13pm', '/drumbeat digest daily 9am'],
    ['off now', '/drumbeat digest weekly friday 4pm'],
  ])('rejects "%s" with an example', (text, example) => {
    let caught: unknown;
    try {
      parseDigestSchedule(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DrumbeatError);
    expect((caught as DrumbeatError).examples).toContain(example);
  });

  it('rejects a day in a daily digest', () => {
    let caught: unknown;
    try {
      parseDigestSchedule('daily monday 9am');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DrumbeatError);
    expect((caught as DrumbeatError).message).toBe(
      'A daily digest comes every day, so it takes no day: "monday". For one day a week, use weekly.',
    );
    expect((caught as DrumbeatError).examples).toEqual(['/drumbeat digest weekly monday 9am']);
  });

  it('keeps the cadence and day in the examples of a bad time', () => {
    expect(() => parseDigestSchedule('weekly at 25:00')).toThrow(
      expect.objectContaining({
        message: '"25:00" is not a time of day Drumbeat can read: write it like 9am, 4pm or 16:30.',
        examples: ['/drumbeat digest weekly 9am', '/drumbeat digest weekly 4pm'],
      }),
    );
    expect(() => parseDigestSchedule('weekly friday 25:00')).toThrow(
      expect.objectContaining({
        examples: ['/drumbeat digest weekly friday 9am', '/drumbeat digest weekly friday 4pm'],
      }),
    );
    expect(() => parseDigestSchedule('daily 25:00')).toThrow(
      expect.objectContaining({
        examples: ['/drumbeat digest daily 9am', '/drumbeat digest daily 4pm'],
      }),
    );
  });

  it('spells a misspelt weekday right in the example', () => {
    expect(() => parseDigestSchedule('weekly mondya 10am')).toThrow(
      expect.objectContaining({
        message: '"mondya" is not a day of the week; write it like monday or fri.',
        examples: ['/drumbeat digest weekly monday 10am'],
      }),
    );
  });

  it('rejects an unknown weekday', () => {
    expect(() => parseDigestSchedule('weekly funday 4pm')).toThrow(
      '"funday" is not a day of the week; write it like monday or fri.',
    );
  });

  it.each([
    ['weekly at 4pm', { cadence: 'weekly', weekday: 1, hour: 16, minute: 0 }],
    ['weekly noon', { cadence: 'weekly', weekday: 1, hour: 12, minute: 0 }],
  ])('reads "%s" without a day', (text, expected) => {
    expect(parseDigestSchedule(text)).toEqual(expected);
  });

  it('describes and turns schedules into cron', () => {
    expect(describeDigestSchedule(DEFAULT_DIGEST_SCHEDULE)).toBe('weekly on Monday at 09:00');
    expect(digestCronPattern(DEFAULT_DIGEST_SCHEDULE)).toBe('0 9 * * 1');
    expect(digestCronPattern({ cadence: 'daily', hour: 21, minute: 45 })).toBe('45 21 * * *');
    expect(digestCronPattern({ cadence: 'off' })).toBeNull();
  });
});

describe('digest repeat strategy', () => {
  const opts = { pattern: '0 9 * * 1', tz: 'Europe/Berlin' };

  it('follows the zone across a DST change', () => {
    const strategy = digestRepeatStrategy(Date.now);
    const beforeChange = Date.UTC(2025, 2, 20, 12);
    const afterChange = Date.UTC(2025, 2, 27, 12);
    expect(strategy(beforeChange, opts)).toBe(Date.UTC(2025, 2, 24, 8));
    expect(strategy(afterChange, opts)).toBe(Date.UTC(2025, 2, 31, 7));
  });

  it('shifts into the frame of an injected clock and back', () => {
    const offsetMs = Date.UTC(2025, 2, 27, 12) - Date.now();
    const strategy = digestRepeatStrategy(() => Date.now() + offsetMs);
    const next = strategy(Date.now(), opts) as number;
    expect(next + offsetMs).toBeCloseTo(Date.UTC(2025, 2, 31, 7), -2);
  });
});
