import { describe, expect, it } from 'vitest';
import { readCronText } from '../../../src/bot/language/cron-text.js';
import { clip, clipQuotes } from '../../../src/bot/language/echo.js';
import {
  parseDuration,
  parseMonitorSpec,
  parseSchedule,
  parseUntil,
} from '../../../src/bot/language/index.js';
import { closestWord } from '../../../src/bot/language/suggest.js';
import { tokenize, unclosedQuoteAt } from '../../../src/bot/language/tokens.js';
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

describe('readCronText', () => {
  it.each([
    ['0 9 * * 1,3,5', '0 9 * * 1,3,5', 13],
    ['0 9 * * 1,3,5 grace 30m', '0 9 * * 1,3,5', 13],
    ['cron 0,30 * * * mon,wed tz Europe/Berlin', '0,30 * * * mon,wed', 23],
    ['cron: "0 3 * * 1-5" in #ops', '0 3 * * 1-5', 19],
    ['@daily in Berlin time', '0 0 * * *', 6],
    ['0 9 * * 1-5, in Berlin time', '0 9 * * 1-5', 11],
  ])('reads %j from the raw text', (source, expression, end) => {
    expect(readCronText(source)).toEqual({ expression, end });
  });

  it.each(['every day at 9am', '9 am every day', '"every day"', '15 past every hour'])(
    'finds no cron in %j',
    (source) => {
      expect(readCronText(source)).toBeNull();
    },
  );

  it('reads anything after cron, for the parser to reject', () => {
    expect(readCronText('cron')).toEqual({ expression: '', end: 4 });
    expect(readCronText('cron 0 9 * *')).toEqual({ expression: '0 9 * *', end: 12 });
  });
});

describe('unclosedQuoteAt', () => {
  it.each([
    ['cron "0 3 * * 1-5', 5],
    ["cron '*/5 * * * *", 5],
    ['cron `0 3 * * *', 5],
    ['every "day at 2am', 6],
  ])('finds the open quote in %j', (source, position) => {
    expect(unclosedQuoteAt(source)).toBe(position);
  });

  it.each(['cron "0 3 * * 1-5"', "every day at 9 o'clock", "'til 5pm", "cron '0 3 * * *'"])(
    'finds none in %j',
    (source) => {
      expect(unclosedQuoteAt(source)).toBe(-1);
    },
  );
});

describe('clipping quoted input', () => {
  const long = `every ${'x'.repeat(5000)}`;

  it('cuts text to 80 characters with an ellipsis', () => {
    expect(clip('short')).toBe('short');
    expect(clip('y'.repeat(80))).toBe('y'.repeat(80));
    expect(clip('y'.repeat(81))).toBe(`${'y'.repeat(79)}…`);
    expect(clipQuotes(`"${'y'.repeat(100)}" and "ok"`)).toBe(`"${'y'.repeat(79)}…" and "ok"`);
  });

  it.each([
    ['parseSchedule', () => parseSchedule(long, ctx)],
    ['parseMonitorSpec', () => parseMonitorSpec(`every hour grace ${long}`, ctx)],
    ['parseUntil', () => parseUntil(`until ${long}`, ctx)],
    ['parseSchedule with a bad zone', () => parseSchedule('daily', { ...ctx, timezone: long })],
    ['parseDuration', () => parseDuration(long)],
  ])('keeps the %s error short', (_name, run) => {
    const error = failure(run);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('x…"');
    for (const example of error.examples) expect(example.length).toBeLessThanOrEqual(160);
  });

  it('quotes a long cron expression cut', () => {
    const error = failure(() => parseSchedule(`0 9 * * ${'1,'.repeat(2500)}9`, ctx));
    expect(error.message).toContain('…"');
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('parseSchedule examples', () => {
  // Examples built from the user's text are shown only when they parse.
  it.each([
    'every 90 minutes from 9am',
    'every 20 minutes from 9am',
    'every 90 minutes starting at 9am',
    'every 90 minutes at 9am',
    'every 2 hours at 9am',
    'every 2 days at 9am',
    'every 400 days at 9am',
    'every 2 weeks on monday',
    'every 7 minutes on weekdays',
    'nightly',
    'three times a day on weekdays',
    'every day at 2am and every monday at 3pm',
    'weekdays at 9 and weekends at 11',
    'every day at 2am and every monday',
  ])('gives an example that parses for %j', (text) => {
    const error = failure(() => parseSchedule(text, ctx));
    expect(error.code).toBe('schedule_invalid');
    expect(error.examples).toHaveLength(1);
    expect(() => parseSchedule(error.examples[0]!, ctx)).not.toThrow();
  });

  it.each(['*/90 * * * *', '0 0 30 2 *', 'cron "0 3 * * 1-5', '0 9 * * 1, 3, 5'])(
    'gives cron examples that parse for %j',
    (text) => {
      const error = failure(() => parseSchedule(text, ctx));
      expect(error.examples.length).toBeGreaterThan(0);
      for (const example of error.examples) {
        expect(() => parseSchedule(example, ctx)).not.toThrow();
      }
    },
  );

  it.each(['biweekly', 'bi-weekly', 'bimonthly', 'bi-monthly', 'semimonthly'])(
    'gives examples that parse for the ambiguous %j',
    (text) => {
      const error = failure(() => parseSchedule(text, ctx));
      expect(error.message).toContain('is ambiguous');
      expect(error.examples.length).toBeGreaterThan(0);
      for (const example of error.examples) {
        expect(() => parseSchedule(example, ctx)).not.toThrow();
      }
    },
  );

  it('names both halves of a two-part schedule', () => {
    const error = failure(() => parseSchedule('every day at 2am and every monday at 3pm', ctx));
    expect(error.message).toBe(
      '"every day at 2am and every monday at 3pm" reads as two schedules, "every day at 2am" and "every monday at 3pm", and one cron expression cannot hold both: cron runs every listed time on every listed day. Create two monitors, one for each.',
    );
  });

  it('keeps the repeated-part error for the same days twice', () => {
    const error = failure(() => parseSchedule('every day at 9am and every day at 5pm', ctx));
    expect(error.message).toBe(
      'The schedule gives how often it runs twice: "every day" and "every day".',
    );
  });
});

describe('parseSchedule errors', () => {
  it('quotes the unread part and shows a close example', () => {
    const error = failure(() => parseSchedule('every day at 9am sharpish', ctx));
    expect(error.code).toBe('schedule_invalid');
    expect(error.message).toBe(
      'Drumbeat could not read "sharpish" in "every day at 9am sharpish".',
    );
    expect(error.examples).toEqual(['every day at 9am']);
  });

  it.each([
    ['hourly in general', 'hourly'],
    ['every day in general at 9am', 'every day at 9am'],
    ['every monday please at 9am', 'every monday at 9am'],
    ['0 9 * * * sharp', '0 9 * * *'],
  ])('leaves out the unread words of %j', (text, example) => {
    const error = failure(() => parseSchedule(text, ctx));
    expect(error.message).toContain('Drumbeat could not read');
    expect(error.examples).toEqual([example]);
    expect(() => parseSchedule(example, ctx)).not.toThrow();
  });

  it('keeps general examples when no shorter text parses', () => {
    const error = failure(() => parseSchedule('every blah', ctx));
    expect(error.examples).toEqual(['every 15 minutes', 'every day at 2am']);
  });

  it('suggests the spelling that works', () => {
    const error = failure(() => parseSchedule('every mondya at 9am', ctx));
    expect(error.examples).toEqual(['every monday at 9am']);
    expect(closestWord('wekly')).toBe('weekly');
    expect(closestWord('weekly')).toBeNull();
    // "minute" and "minutes" are as close; the plural keeps the plural.
    expect(closestWord('minuts')).toBe('minutes');
    expect(closestWord('minte')).toBe('minute');
  });

  it('names a word that is no unit', () => {
    expect(failure(() => parseSchedule('every 5 bananas', ctx)).message).toBe(
      '"bananas" is not a unit of time, in "every 5 bananas".',
    );
    expect(failure(() => parseSchedule('every 5', ctx)).message).toBe(
      '"every 5" needs a unit after the number.',
    );
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

  it('keeps a cron list whole before options', () => {
    const spec = parseMonitorSpec('0 9 * * 1,3,5 grace 30m tz Europe/Berlin', ctx);
    expect(spec.schedule.schedule).toEqual({
      kind: 'cron',
      expression: '0 9 * * 1,3,5',
      timezone: 'Europe/Berlin',
    });
    expect(spec.graceMs).toBe(1_800_000);
    expect(spec.timezone).toBe('Europe/Berlin');
  });

  it('quotes the schedule as typed, commas and all', () => {
    const error = failure(() => parseMonitorSpec('every day at 2am, sharp grace 30m', ctx));
    expect(error.message).toBe('Drumbeat could not read "sharp" in "every day at 2am, sharp".');
  });

  it('names the option whose duration is out of range', () => {
    const error = failure(() => parseMonitorSpec('every hour max runtime 0s', ctx));
    expect(error.code).toBe('duration_invalid');
    expect(error.message).toBe(
      'The maximum run time must be at least 1 second, and "0s" is shorter.',
    );
    expect(error.examples).toEqual(['max runtime 2h']);
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
    ['1 year', 31_536_000_000],
    ['1 yr', 31_536_000_000],
    ['1y', 31_536_000_000],
    ['1s', 1000],
    ['366 days', 31_622_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5 parsecs', '10', '1 month'])('rejects "%s" as no duration', (text) => {
    const error = failure(() => parseDuration(text));
    expect(error.code).toBe('duration_invalid');
    expect(error.message).toBe(`"${text}" is not a duration Drumbeat understands.`);
  });

  it.each([
    ['0m', 'A duration must be at least 1 second, and "0m" is shorter.'],
    ['0.4s', 'A duration must be at least 1 second, and "0.4s" is shorter.'],
    ['2 years', 'A duration must be at most 366 days, and "2 years" is longer.'],
    ['367 days', 'A duration must be at most 366 days, and "367 days" is longer.'],
  ])('rejects "%s" as out of range', (text, message) => {
    const error = failure(() => parseDuration(text));
    expect(error.code).toBe('duration_invalid');
    expect(error.message).toBe(message);
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

  it('asks for what follows a bare for or until', () => {
    expect(failure(() => parseUntil('for', ctx)).message).toBe('"for" needs a duration after it.');
    expect(failure(() => parseUntil('until', ctx)).message).toBe('"until" needs a time after it.');
  });

  it('rejects a silence of no time', () => {
    const error = failure(() => parseUntil('for 0s', ctx));
    expect(error.code).toBe('time_invalid');
    expect(error.message).toBe('A silence must last at least 1 second, and "0s" is shorter.');
  });
});

describe('options written with dashes', () => {
  it.each([
    ['every 1h --grace 5m', 'grace', '--grace', 'every 1h grace 5m'],
    ['every day at 2am -tz Europe/Berlin', 'tz', '-tz', 'every day at 2am tz Europe/Berlin'],
    [
      'every 1 hour grace 5m --tz Europe/Berlin --max runtime 2h',
      'tz',
      '--tz',
      'every 1 hour grace 5m tz Europe/Berlin max runtime 2h',
    ],
  ])('says options take no dashes in %s', (text, option, typed, example) => {
    const error = failure(() => parseMonitorSpec(text, ctx));
    expect(error.message).toBe(
      `Options are words without dashes: write "${option}", not "${typed}".`,
    );
    expect(error.examples).toEqual([example]);
  });

  it('reads a quoted cron range', () => {
    expect(() => parseMonitorSpec('cron "0 3 * * 1-5" tz Europe/Berlin', ctx)).not.toThrow();
  });

  it('keeps unknown dashed words unread', () => {
    const error = failure(() => parseMonitorSpec('every 1h --bogus', ctx));
    expect(error.message).toBe('Drumbeat could not read "--bogus" in "every 1h --bogus".');
  });
});
