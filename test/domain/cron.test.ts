import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { nextCronRun, nextCronRuns, parseCronExpression } from '../../src/domain/cron.js';
import { DrumbeatError } from '../../src/domain/errors.js';

const iso = (runs: number[]) => runs.map((run) => new Date(run).toISOString().replace('.000', ''));
const runsOf = (expression: string, timezone: string, from: string, count: number) =>
  iso(nextCronRuns(expression, timezone, Date.parse(from), count));

function rejection(expression: string): DrumbeatError {
  try {
    parseCronExpression(expression);
  } catch (error) {
    if (error instanceof DrumbeatError) return error;
    throw error;
  }
  throw new Error(`"${expression}" was accepted`);
}

describe('cron across a spring-forward gap', () => {
  it('runs a fixed time in the gap at the first minute after it', () => {
    expect(runsOf('15 3 * * *', 'Europe/Riga', '2021-03-27T00:00+02:00', 3)).toEqual([
      '2021-03-27T01:15:00Z',
      '2021-03-28T01:00:00Z',
      '2021-03-29T00:15:00Z',
    ]);
  });

  it('moves the hour in the gap and keeps the others', () => {
    expect(runsOf('30 1,2,3,4,5 * * *', 'Europe/Riga', '2021-03-28T01:30+02:00', 4)).toEqual([
      '2021-03-28T00:30:00Z',
      '2021-03-28T01:00:00Z',
      '2021-03-28T01:30:00Z',
      '2021-03-28T02:30:00Z',
    ]);
  });

  it('runs two fixed times in one gap once', () => {
    expect(runsOf('0,30 3 * * *', 'Europe/Riga', '2021-03-28T00:30Z', 2)).toEqual([
      '2021-03-28T01:00:00Z',
      '2021-03-29T00:00:00Z',
    ]);
  });

  it('differs from cron-parser, which skips to 04:15', () => {
    const parser = CronExpressionParser.parse('15 3 * * *', {
      currentDate: new Date('2021-03-27T12:00:00Z'),
      tz: 'Europe/Riga',
    });
    const ours = nextCronRun('15 3 * * *', 'Europe/Riga', Date.parse('2021-03-27T12:00:00Z'));
    expect(new Date(ours).toISOString()).toBe('2021-03-28T01:00:00.000Z');
    expect(parser.next().toISOString()).not.toBe(new Date(ours).toISOString());
  });
});

describe('cron across a fall-back change', () => {
  it('runs a fixed ambiguous time once, at its first occurrence', () => {
    expect(runsOf('30 1 * * *', 'America/New_York', '2026-10-31T12:00-04:00', 2)).toEqual([
      '2026-11-01T05:30:00Z',
      '2026-11-02T06:30:00Z',
    ]);
  });

  it('does not run the second pass when asked from inside it', () => {
    const run = nextCronRun('30 1 * * *', 'America/New_York', Date.parse('2026-11-01T06:10:00Z'));
    expect(new Date(run).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('ticks a star hour field in real time through both passes', () => {
    expect(runsOf('0 */3 * * *', 'Europe/Riga', '2021-10-31T01:30+03:00', 3)).toEqual([
      '2021-10-31T00:00:00Z',
      '2021-10-31T01:00:00Z',
      '2021-10-31T04:00:00Z',
    ]);
  });

  it('runs sub-hourly jobs in both passes of the repeated hour', () => {
    expect(runsOf('*/30 * * * *', 'Australia/Melbourne', '2024-04-07T01:00+11:00', 6)).toEqual([
      '2024-04-06T14:30:00Z',
      '2024-04-06T15:00:00Z',
      '2024-04-06T15:30:00Z',
      '2024-04-06T16:00:00Z',
      '2024-04-06T16:30:00Z',
      '2024-04-06T17:00:00Z',
    ]);
  });

  it('finds the second pass when asked from inside the first', () => {
    const run = nextCronRun('30 * * * *', 'America/New_York', Date.parse('2026-11-01T05:45:00Z'));
    expect(new Date(run).toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });
});

describe('cron day fields', () => {
  it('joins restricted day-of-month and day-of-week with OR', () => {
    expect(runsOf('0 5 2-8 * 4', 'UTC', '2021-01-09T17:48:39Z', 10)).toEqual([
      '2021-01-14T05:00:00Z',
      '2021-01-21T05:00:00Z',
      '2021-01-28T05:00:00Z',
      '2021-02-02T05:00:00Z',
      '2021-02-03T05:00:00Z',
      '2021-02-04T05:00:00Z',
      '2021-02-05T05:00:00Z',
      '2021-02-06T05:00:00Z',
      '2021-02-07T05:00:00Z',
      '2021-02-08T05:00:00Z',
    ]);
  });

  it('joins them with AND when one starts with a star', () => {
    expect(runsOf('0 0 */3 * 1-5', 'UTC', '2024-04-03T12:00Z', 6)).toEqual([
      '2024-04-04T00:00:00Z',
      '2024-04-10T00:00:00Z',
      '2024-04-16T00:00:00Z',
      '2024-04-19T00:00:00Z',
      '2024-04-22T00:00:00Z',
      '2024-04-25T00:00:00Z',
    ]);
  });

  it('differs from cron-parser, which includes Sunday 7 April', () => {
    const parser = CronExpressionParser.parse('0 0 */3 * 1-5', {
      currentDate: new Date('2024-04-05T12:00:00Z'),
      tz: 'UTC',
    });
    expect(parser.next().toISOString()).toBe('2024-04-07T00:00:00.000Z');
    const ours = nextCronRun('0 0 */3 * 1-5', 'UTC', Date.parse('2024-04-05T12:00:00Z'));
    expect(new Date(ours).toISOString()).toBe('2024-04-10T00:00:00.000Z');
  });

  it('runs on the last Sunday of the month with 7L', () => {
    expect(runsOf('0 0 * * 7L', 'UTC', '2022-03-09T00:00Z', 3)).toEqual([
      '2022-03-27T00:00:00Z',
      '2022-04-24T00:00:00Z',
      '2022-05-29T00:00:00Z',
    ]);
  });

  it('runs on the fifth Monday with 1#5', () => {
    expect(runsOf('0 0 * * 1#5', 'UTC', '2024-01-01T00:00Z', 3)).toEqual([
      '2024-01-29T00:00:00Z',
      '2024-04-29T00:00:00Z',
      '2024-07-29T00:00:00Z',
    ]);
  });

  it('finds a fifth Monday in February decades ahead', () => {
    expect(runsOf('0 0 * 2 MON#5', 'UTC', '2020-01-01T00:00Z', 2)).toEqual([
      '2044-02-29T00:00:00Z',
      '2072-02-29T00:00:00Z',
    ]);
  });

  it('runs on the last day of the month with L', () => {
    expect(runsOf('0 12 L * *', 'UTC', '2024-01-31T13:00Z', 3)).toEqual([
      '2024-02-29T12:00:00Z',
      '2024-03-31T12:00:00Z',
      '2024-04-30T12:00:00Z',
    ]);
  });

  it('reads 7 and SUN as Sunday and names in any case', () => {
    const expected = runsOf('0 8 * * 0', 'UTC', '2025-06-11T00:00Z', 2);
    expect(runsOf('0 8 * * 7', 'UTC', '2025-06-11T00:00Z', 2)).toEqual(expected);
    expect(runsOf('0 8 * * sun', 'UTC', '2025-06-11T00:00Z', 2)).toEqual(expected);
    expect(runsOf('0 8 * jan-dec SUN', 'UTC', '2025-06-11T00:00Z', 2)).toEqual(expected);
  });
});

describe('cron and the host zone', () => {
  it('evaluates in the schedule zone, not the host TZ', () => {
    expect(runsOf('0 * * * *', 'UTC', '2025-10-05T02:00Z', 1)).toEqual(['2025-10-05T03:00:00Z']);
  });

  it('accepts macros', () => {
    expect(parseCronExpression('@daily').source).toBe('0 0 * * *');
    expect(parseCronExpression('@weekly').source).toBe('0 0 * * 0');
    expect(parseCronExpression('@monthly').source).toBe('0 0 1 * *');
    expect(parseCronExpression('@yearly').source).toBe('0 0 1 1 *');
    expect(parseCronExpression('@hourly').source).toBe('0 * * * *');
  });

  it('returns runs strictly after the given time', () => {
    const at = Date.parse('2025-06-11T09:00:00Z');
    expect(nextCronRun('0 9 * * *', 'UTC', at)).toBe(Date.parse('2025-06-12T09:00:00Z'));
    expect(nextCronRun('0 9 * * *', 'UTC', at - 1)).toBe(at);
  });
});

describe('cron rejections', () => {
  it('rejects a date that never occurs without looping', () => {
    const error = rejection('0 0 30 2 *');
    expect(error.code).toBe('schedule_invalid');
    expect(error.message).toContain('never runs');
    expect(error.message).toContain('February');
  });

  it('suggests the last day or a day every month has', () => {
    expect(rejection('0 0 30 2 *').examples).toEqual(['cron "0 0 L 2 *"', 'cron "0 0 28 2 *"']);
    expect(rejection('0 0 31 4,6 *').message).toContain('April and June never have day 31');
    expect(rejection('0 0 31 4,6 *').examples).toEqual([
      'cron "0 0 L 4,6 *"',
      'cron "0 0 30 4,6 *"',
    ]);
  });

  it.each(['0 0 30 2 *', '0 0 31 4,6,9,11 *', '* * */20 * 1L', '15 3 30,31 2 *'])(
    'gives examples that run for %s',
    (expression) => {
      const { examples } = rejection(expression);
      expect(examples).toHaveLength(2);
      for (const example of examples) {
        const fields = /^cron "([^"]+)"$/.exec(example)?.[1] ?? '';
        expect(parseCronExpression(fields).source).toBe(fields);
      }
    },
  );

  it('rejects day fields that can never meet', () => {
    expect(rejection('* * */20 * 1L').message).toContain('never runs');
    expect(rejection('0 0 31 4,6,9,11 *').message).toContain('never runs');
  });

  it('rejects a wrapping range and shows the fixed expression', () => {
    const error = rejection('0 22-2 * * *');
    expect(error.message).toContain('22-23,0-2');
    expect(error.examples).toEqual(['cron "0 22-23,0-2 * * *"']);
  });

  it('rejects a step larger than its field', () => {
    const error = rejection('*/90 * * * *');
    expect(error.message).toContain('larger than the field (0-59)');
    expect(rejection('0 */24 * * *').message).toContain('larger than the field (0-23)');
  });

  it.each([
    ['5 0-23/30 * * *', 'cron "5 0-23/12 * * *"'],
    ['5-50/75 * * * 1-5', 'cron "5-50/30 * * * 1-5"'],
    ['0 9-17/24 * * *', 'cron "0 9-17/12 * * *"'],
    ['0 0 */40 * *', 'cron "0 0 */15 * *"'],
    ['0 0 1 */13 *', 'cron "0 0 1 */6 *"'],
    ['0 0 * * */8', 'cron "0 0 * * */3"'],
  ])('shows %s with the largest even step', (expression, example) => {
    const error = rejection(expression);
    expect(error.examples).toEqual([example]);
    expect(() => parseCronExpression(example.slice(6, -1))).not.toThrow();
  });

  // A step over a whole field of minutes or hours is most likely an interval.
  it.each([
    ['*/90 * * * *', ['every 90 minutes', 'cron "*/30 * * * *"']],
    ['0 */24 * * *', ['every 24 hours', 'cron "0 */12 * * *"']],
    ['0 */36 * * 1-5', ['every 36 hours', 'cron "0 */12 * * 1-5"']],
  ])('offers %s as an interval first', (expression, examples) => {
    expect(rejection(expression).examples).toEqual(examples);
  });

  it('reads hour 24 as midnight', () => {
    expect(rejection('0 24 * * *').examples).toEqual(['cron "0 0 * * *"']);
  });

  it('fills the fields left out with *', () => {
    expect(rejection('0 3 * *').examples).toEqual(['cron "0 3 * * *"']);
    expect(rejection('*/5 * *').examples).toEqual(['cron "*/5 * * * *"']);
  });

  it('gives no macro for @reboot', () => {
    const error = rejection('@reboot');
    expect(error.message).toContain('there is no next run to expect');
    expect(error.examples).toEqual([]);
  });

  it('differs from cron-parser, which runs */90 hourly', () => {
    const parser = CronExpressionParser.parse('*/90 * * * *', {
      currentDate: new Date('2025-01-01T00:10:00Z'),
      tz: 'UTC',
    });
    expect(parser.next().toISOString()).toBe('2025-01-01T01:00:00.000Z');
  });

  it('rejects empty and short expressions', () => {
    expect(rejection('').message).toBe('The cron expression is empty.');
    expect(rejection('   ').message).toBe('The cron expression is empty.');
    expect(rejection('* * * *').message).toContain('has 4');
    expect(rejection('* * * * * *').message).toContain('has 6');
  });

  it('shows a list typed with spaces without them', () => {
    const error = rejection('0 9 * * 1, 3, 5');
    expect(error.message).toContain('"0 9 * * 1, 3, 5" has 7');
    expect(error.message).toContain('no spaces after its commas');
    expect(error.examples).toEqual(['cron "0 9 * * 1,3,5"']);
  });

  it('rejects values out of range and unknown forms', () => {
    expect(rejection('60 * * * *').message).toContain('60 is outside 0-59');
    expect(rejection('0 24 * * *').message).toContain('24 is outside 0-23');
    expect(rejection('0 0 0 * *').message).toContain('0 is outside 1-31');
    expect(rejection('0 0 * 13 *').message).toContain('13 is outside 1-12');
    expect(rejection('0 0 * * 8').message).toContain('8 is outside 0-7');
    expect(rejection('0 0 ? * *').message).toContain('Quartz');
    expect(rejection('0 0 15W * *').message).toContain('not supported');
    expect(rejection('0 0 * * 1#6').message).toContain('#1 to #5');
    expect(rejection('*/0 * * * *').message).toContain('above 0');
    expect(rejection('1,,2 * * * *').message).toContain('empty item');
    expect(rejection('@hourlyish').message).toContain('not a cron macro');
  });

  it.each([
    ['0 25 * * *', 'cron "0 23 * * *"'],
    ['60 9 * * 1-5', 'cron "59 9 * * 1-5"'],
    ['0 0 0 * *', 'cron "0 0 1 * *"'],
    ['0 0 * 13 *', 'cron "0 0 * 12 *"'],
    ['0 0 * * 8', 'cron "0 0 * * 7"'],
    ['0 9-25 * * *', 'cron "0 9-23 * * *"'],
    ['0 22,25 * * *', 'cron "0 22,23 * * *"'],
    ['0 25,26 * * *', 'cron "0 23 * * *"'],
    ['60 25 * * *', 'cron "59 23 * * *"'],
    ['0 0 * * 1#6', 'cron "0 0 * * 1#5"'],
    ['0 0 ? * 1', 'cron "0 0 * * 1"'],
  ])('brings %s into range in its example', (expression, example) => {
    const error = rejection(expression);
    expect(error.examples).toEqual([example]);
    expect(() => parseCronExpression(example.slice(6, -1))).not.toThrow();
  });

  it('suggests real days for day 32', () => {
    expect(rejection('0 0 32 2 *').examples).toEqual(['cron "0 0 L 2 *"', 'cron "0 0 28 2 *"']);
  });

  it('cron-parser accepts short and empty expressions', () => {
    for (const expression of ['', '* * * *']) {
      const parsed = CronExpressionParser.parse(expression, {
        currentDate: new Date(0),
        tz: 'UTC',
      });
      expect(parsed.next().toISOString()).toBe('1970-01-01T00:01:00.000Z');
    }
  });
});
