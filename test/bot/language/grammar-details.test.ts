import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseMonitorSpec,
  parseSchedule,
  parseUntil,
} from '../../../src/bot/language/index.js';
import { closestWord } from '../../../src/bot/language/suggest.js';
import { tokenize } from '../../../src/bot/language/tokens.js';
import { DrumbeatError } from '../../../src/domain/errors.js';

const ctx = { timezone: 'UTC', now: Date.parse('2025-06-11T15:00:00Z') };

function failure(run: () => unknown): DrumbeatError {
  try {
    run();
  } catch (error) {
    if (error instanceof DrumbeatError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('tokenize', () => {
  it('keeps quoted cron as one token and splits commas', () => {
    expect(tokenize('cron "0 3 * * 1-5", mon').map((token) => token.text)).toEqual([
      'cron',
      '"0 3 * * 1-5"',
      'and',
      'mon',
    ]);
  });

  it('reads @ as at and splits a time window', () => {
    expect(tokenize('@2am 9am-5pm @daily').map((token) => token.text)).toEqual([
      'at',
      '2am',
      '9am',
      'to',
      '5pm',
      '@daily',
    ]);
  });
});

describe('parseSchedule errors', () => {
  it('quotes the unread part and shows a close example', () => {
    const error = failure(() => parseSchedule('every day at 9am sharpish', ctx));
    expect(error.code).toBe('schedule_invalid');
    expect(error.message).toBe(
      'Drumbeat could not read "sharpish" in "every day at 9am sharpish".',
    );
    expect(error.example).toBe('every day at 2am');
  });

  it('suggests the spelling that works', () => {
    const error = failure(() => parseSchedule('every mondya at 9am', ctx));
    expect(error.example).toBe('every monday at 9am');
    expect(closestWord('wekly')).toBe('weekly');
    expect(closestWord('weekly')).toBeNull();
  });

  it('does not correct a word that was read and rejected', () => {
    const error = failure(() => parseSchedule('biweekly', ctx));
    expect(error.message).not.toContain('Did you mean');
  });

  it('rejects an invalid team zone', () => {
    expect(
      failure(() => parseSchedule('every day at 9am', { ...ctx, timezone: 'Nowhere/Else' })).code,
    ).toBe('timezone_invalid');
  });
});

describe('parseSchedule zones', () => {
  it('keeps the IANA spelling of a zone given in lower case', () => {
    const { schedule } = parseSchedule('every day at 9am tz asia/kolkata', ctx);
    expect(schedule).toEqual({ kind: 'cron', expression: '0 9 * * *', timezone: 'Asia/Kolkata' });
  });

  it('ignores the team zone for an interval', () => {
    const berlin = parseSchedule('every 15 minutes', { ...ctx, timezone: 'Europe/Berlin' });
    expect(berlin.schedule).toEqual({ kind: 'interval', periodSeconds: 900 });
  });
});

describe('parseMonitorSpec', () => {
  it('keeps "in Berlin time" in the schedule and reads "in #ops" as the channel', () => {
    const spec = parseMonitorSpec('every day at 9am in Berlin time in #ops', ctx);
    expect(spec.schedule.schedule).toEqual({
      kind: 'cron',
      expression: '0 9 * * *',
      timezone: 'Europe/Berlin',
    });
    expect(spec.channel).toBe('ops');
    expect(spec.timezone).toBeNull();
  });

  it('returns the zone of the tz option', () => {
    const spec = parseMonitorSpec('cron "0 3 * * 1-5" tz Europe/Berlin', ctx);
    expect(spec.timezone).toBe('Europe/Berlin');
    expect(spec.schedule.description).toBe(
      'at 03:00 on weekdays (Monday to Friday) (Europe/Berlin)',
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10 minutes', 600_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1 hour and 30 minutes', 5_400_000],
    ['an hour', 3_600_000],
    ['half an hour', 1_800_000],
    ['1.5 days', 129_600_000],
    ['2 weeks', 1_209_600_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '0m', '5 parsecs', '10'])('rejects "%s"', (text) => {
    expect(failure(() => parseDuration(text)).code).toBe('duration_invalid');
  });
});

describe('parseUntil', () => {
  it('shows the end in the team zone', () => {
    const reading = parseUntil('until monday 9am', { ...ctx, timezone: 'Europe/Berlin' });
    expect(reading.until).toBe(Date.parse('2025-06-16T07:00:00Z'));
    expect(reading.description).toBe('Mon 16 Jun 2025 09:00 +02:00 (Europe/Berlin)');
    expect(reading.warnings).toEqual([]);
  });

  it('moves a weekday named on that day a week ahead', () => {
    const reading = parseUntil('until wednesday 9am', ctx);
    expect(new Date(reading.until).toISOString()).toBe('2025-06-18T09:00:00.000Z');
  });

  it('rejects a time exactly now', () => {
    expect(failure(() => parseUntil('for 0s', ctx)).code).toBe('time_invalid');
  });
});
