import type { DrumbeatErrorCode } from '../../../src/domain/errors.js';

// The phrase table: what people type, and exactly what Drumbeat reads. The reference time is
// Wednesday 2025-06-11T15:00Z and the team's zone is UTC unless a row names another. Each row
// lists every warning and every other reading it expects; a row without `warning` or
// `alternative` expects none.

export type PhraseKind = 'schedule' | 'spec' | 'until';

export interface Expected {
  cron?: string;
  timezone?: string;
  interval?: number;
  /** The first expected runs after `now`, in order. */
  next?: string[];
  until?: string;
  graceMs?: number;
  maxRuntimeMs?: number;
  channel?: string;
  error?: DrumbeatErrorCode;
  /** Text the error message must contain: the part that failed. */
  quote?: string;
  /** Text the error's example must contain. */
  example?: string;
}

export interface PhraseCase {
  text: string;
  kind: PhraseKind;
  zone?: string;
  now?: string;
  expect: Expected;
  /** Texts that the warnings must contain, one per warning, in order. */
  warning?: string[];
  /** The whole texts of the other readings that the warnings name, in order. */
  alternative?: string[];
}

export const REFERENCE_NOW = '2025-06-11T15:00:00Z';

const row =
  (kind: PhraseKind) =>
  (text: string, expected: Expected, more: Partial<PhraseCase> = {}) =>
    ({ text, kind, expect: expected, ...more }) satisfies PhraseCase;
const schedule = row('schedule');
const spec = row('spec');
const silence = row('until');

const every = (interval: number): Expected => ({ interval });
const cron = (expression: string, extra: Expected = {}): Expected => ({
  cron: expression,
  timezone: 'UTC',
  ...extra,
});
const rejected = (error: DrumbeatErrorCode, quote?: string, example?: string): Expected => ({
  error,
  ...(quote === undefined ? {} : { quote }),
  ...(example === undefined ? {} : { example }),
});
const MIDNIGHT = 'No time of day was given, so it runs at midnight (00:00)';
const BARE_NINE = 'Read "9" as 09:00 on a 24-hour clock';

const INTERVALS: PhraseCase[] = [
  schedule('every 30 seconds', every(30)),
  schedule('every 5 min', every(300)),
  schedule('every 2h', every(7200)),
  schedule('hourly', every(3600)),
  schedule('every hour', every(3600)),
  schedule('every other hour', every(7200)),
  schedule('daily', every(86_400)),
  schedule('weekly', every(604_800)),
  schedule('every 15 minutes', every(900)),
  schedule('every minute', every(60)),
  schedule('every second', every(1)),
  schedule('every 90 seconds', every(90)),
  schedule('every 1h30m', every(5400)),
  schedule('every 1 hour 30 minutes', every(5400)),
  schedule('every 1 hour and 30 minutes', every(5400)),
  schedule('every 1.5 hours', every(5400)),
  schedule('every half hour', every(1800)),
  schedule('every quarter hour', every(900)),
  schedule('half-hourly', every(1800)),
  schedule('every 10 mins', every(600)),
  schedule('every 2 hrs', every(7200)),
  schedule('every 3 days', every(259_200)),
  schedule('every 2 weeks', every(1_209_600)),
  schedule('fortnightly', every(1_209_600)),
  schedule('every fortnight', every(1_209_600)),
  schedule('twice a day', every(43_200)),
  schedule('three times a day', every(28_800)),
  schedule('once an hour', every(3600)),
  schedule('every five minutes', every(300)),
  schedule('every 365 days', every(31_536_000)),
  schedule('every other day', every(172_800)),
  schedule('each hour', every(3600)),
  schedule('every 30s', every(30)),
  schedule('Every 45 Minutes', every(2700)),
  schedule('every 5m', every(300)),
];

const TIMES_OF_DAY: PhraseCase[] = [
  schedule('every day at 2am', cron('0 2 * * *', { next: ['2025-06-12T02:00:00Z'] })),
  schedule(
    'every day at 8am',
    cron('0 8 * * *', { next: ['2025-06-12T08:00:00Z', '2025-06-13T08:00:00Z'] }),
  ),
  schedule('daily at 14:30', cron('30 14 * * *', { next: ['2025-06-12T14:30:00Z'] })),
  schedule('at noon every day', cron('0 12 * * *')),
  schedule(
    'twice a day at 8am and 8pm',
    cron('0 8,20 * * *', { next: ['2025-06-11T20:00:00Z', '2025-06-12T08:00:00Z'] }),
  ),
  schedule(
    'every 6 hours starting at 1am',
    cron('0 1,7,13,19 * * *', { next: ['2025-06-11T19:00:00Z'] }),
  ),
  schedule('every day @ 2am', cron('0 2 * * *')),
  schedule('daily @9pm', cron('0 21 * * *')),
  schedule('every day at 2:30 am', cron('30 2 * * *')),
  schedule('every day at 12am', cron('0 0 * * *')),
  schedule('every day at 12pm', cron('0 12 * * *')),
  schedule('every day at 12:30am', cron('30 0 * * *')),
  schedule('every day at midnight', cron('0 0 * * *')),
  schedule('every day at noon', cron('0 12 * * *')),
  schedule('daily at 9 a.m.', cron('0 9 * * *')),
  schedule("every day at 9 o'clock", cron('0 9 * * *'), {
    warning: ['Read "9 o\'clock" as 09:00 on a 24-hour clock'],
    alternative: ['every day at 9pm'],
  }),
  schedule('every day at 9am and 5pm', cron('0 9,17 * * *')),
  schedule('every day at 9am, 1pm and 5pm', cron('0 9,13,17 * * *')),
  schedule('at 9am and 9:30am', cron('0,30 9 * * *')),
  schedule('every day at 18:45', cron('45 18 * * *')),
  schedule('at 7am', cron('0 7 * * *')),
  schedule('nightly at 2am', cron('0 2 * * *')),
  schedule('every 4 hours starting at midnight', cron('0 0-20/4 * * *')),
  schedule('every 8 hours starting at 6am', cron('0 6,14,22 * * *')),
  schedule('every 5 hours starting at 1am', cron('0 1-21/5 * * *'), {
    warning: [
      'The last run of each day is at 21:00; the next is at 01:00 the day after, 4 hours later.',
    ],
  }),
  schedule(
    'every 15 minutes from 9am to 5pm',
    cron('*/15 9-16 * * *', { next: ['2025-06-11T15:15:00Z'] }),
  ),
  schedule('every 15 minutes from 9am to 5pm on weekdays', cron('*/15 9-16 * * 1-5')),
  schedule('every 30 minutes between 9am and 5pm', cron('*/30 9-16 * * *')),
  schedule('every 30 minutes 9am-5pm', cron('*/30 9-16 * * *')),
  schedule('every hour from 9am to 5pm', cron('0 9-17 * * *')),
  schedule('every 2 hours from 8am to 6pm', cron('0 8-18/2 * * *')),
  schedule('hourly from 9 to 5', cron('0 9-17 * * *'), {
    warning: [BARE_NINE, 'Read "5" as 17:00.'],
    alternative: ['hourly from 9pm to 5'],
  }),
  schedule('hourly at :15', cron('15 * * * *', { next: ['2025-06-11T15:15:00Z'] })),
  schedule('every hour at 30 minutes past', cron('30 * * * *')),
  schedule('every hour on the hour', cron('0 * * * *')),
  schedule('hourly at half past', cron('30 * * * *')),
  schedule('every 2 hours at :05', cron('5 */2 * * *')),
];

const DAYS: PhraseCase[] = [
  schedule('every weekday at 9:30am', cron('30 9 * * 1-5', { next: ['2025-06-12T09:30:00Z'] })),
  schedule('weekdays at 9', cron('0 9 * * 1-5'), {
    warning: [BARE_NINE],
    alternative: ['weekdays at 9pm'],
  }),
  schedule('mon-fri at 9am', cron('0 9 * * 1-5')),
  schedule(
    'every monday and thursday at 3pm',
    cron('0 15 * * 1,4', { next: ['2025-06-12T15:00:00Z', '2025-06-16T15:00:00Z'] }),
  ),
  schedule('on weekends at 10am', cron('0 10 * * 0,6', { next: ['2025-06-14T10:00:00Z'] })),
  schedule('every sunday at midnight', cron('0 0 * * 0', { next: ['2025-06-15T00:00:00Z'] })),
  schedule('every weekday at 9am', cron('0 9 * * 1-5', { timezone: 'Europe/Berlin' }), {
    zone: 'Europe/Berlin',
  }),
  schedule('every monday at 9am', cron('0 9 * * 1')),
  schedule('mondays at 9am', cron('0 9 * * 1')),
  schedule('on mondays and fridays at 18:00', cron('0 18 * * 1,5')),
  schedule('every tue, thu at 5pm', cron('0 17 * * 2,4')),
  schedule('monday to friday at 7am', cron('0 7 * * 1-5')),
  schedule('from monday to friday at 7am', cron('0 7 * * 1-5')),
  schedule('every weekend at 10am', cron('0 10 * * 0,6')),
  schedule('on saturday and sunday at 10am', cron('0 10 * * 0,6')),
  schedule('every day except sunday at 9am', cron('0 9 * * 1-6')),
  schedule('every day except weekends at 8am', cron('0 8 * * 1-5')),
  schedule('every monday', cron('0 0 * * 1'), {
    warning: [MIDNIGHT],
    alternative: ['every monday at 9am'],
  }),
  schedule('sat-sun at noon', cron('0 12 * * 0,6')),
  schedule('fri-mon at 9am', cron('0 9 * * 0,1,5,6')),
  schedule('every business day at 9am', cron('0 9 * * 1-5')),
  schedule('workdays at 8:15', cron('15 8 * * 1-5')),
  schedule('at 9am on weekdays', cron('0 9 * * 1-5')),
  schedule('every 15 minutes on weekdays', cron('*/15 * * * 1-5')),
  schedule('every 2 hours on weekdays', cron('0 */2 * * 1-5')),
  schedule('every hour on weekends', cron('0 * * * 0,6')),
  schedule('every weekday at 9am and 5pm', cron('0 9,17 * * 1-5')),
  schedule('every weekday at 9am and at 5pm', cron('0 9,17 * * 1-5')),
  schedule('at 9am, on weekdays', cron('0 9 * * 1-5')),
  schedule('hourly at :15, on weekdays', cron('15 * * * 1-5')),
  schedule('every 15 minutes from 9am to 5pm, on weekdays', cron('*/15 9-16 * * 1-5')),
  schedule('every day at 9am, except sundays', cron('0 9 * * 1-6')),
  schedule('every day at 9am and in june', cron('0 9 * 6 *')),
  schedule(
    'every wednesday at 16:00',
    cron('0 16 * * 3', { next: ['2025-06-11T16:00:00Z', '2025-06-18T16:00:00Z'] }),
  ),
];

const MONTHS: PhraseCase[] = [
  schedule(
    'on the 1st of every month at 6am',
    cron('0 6 1 * *', { next: ['2025-07-01T06:00:00Z'] }),
  ),
  schedule('monthly on the 15th', cron('0 0 15 * *', { next: ['2025-06-15T00:00:00Z'] }), {
    warning: [MIDNIGHT],
    alternative: ['monthly on the 15th at 9am'],
  }),
  schedule(
    'on the last day of the month at 23:00',
    cron('0 23 L * *', { next: ['2025-06-30T23:00:00Z', '2025-07-31T23:00:00Z'] }),
  ),
  schedule(
    'first monday of the month at 9am',
    cron('0 9 * * 1#1', { next: ['2025-07-07T09:00:00Z'] }),
  ),
  schedule('on the 1st and 15th at 9am', cron('0 9 1,15 * *')),
  schedule('on the 15th of every month at noon', cron('0 12 15 * *')),
  schedule('monthly on the 1st at 6am', cron('0 6 1 * *')),
  schedule('monthly at 9am', cron('0 9 1 * *'), {
    warning: ['No day of the month was given, so it runs on the 1st.'],
    alternative: ['monthly at 9am on the 15th'],
  }),
  schedule('monthly', cron('0 0 1 * *'), {
    warning: [
      'No day of the month or time of day was given, so it runs on the 1st at midnight (00:00).',
    ],
    alternative: ['monthly on the 15th at 9am'],
  }),
  schedule('on the last day of every month at 6pm', cron('0 18 L * *')),
  schedule(
    'the last friday of the month at 5pm',
    cron('0 17 * * 5L', { next: ['2025-06-27T17:00:00Z'] }),
  ),
  schedule(
    'on the second tuesday of each month at 10:00',
    cron('0 10 * * 2#2', { next: ['2025-07-08T10:00:00Z'] }),
  ),
  schedule(
    'every first and third monday at 9am',
    cron('0 9 * * 1#1,1#3', { next: ['2025-06-16T09:00:00Z'] }),
  ),
  schedule('on the 31st at 9am', cron('0 9 31 * *', { next: ['2025-07-31T09:00:00Z'] }), {
    warning: ['February, April, June, September and November have no 31st'],
    alternative: ['cron "0 9 L * *"'],
  }),
  schedule('on day 15 of every month at 9am', cron('0 9 15 * *')),
  schedule('on jan 1 at 9am', cron('0 9 1 1 *', { next: ['2026-01-01T09:00:00Z'] })),
  schedule('on the 1st of january at midnight', cron('0 0 1 1 *')),
  schedule('yearly', cron('0 0 1 1 *'), {
    warning: [
      'No month, day of the month or time of day was given, so it runs on 1 January at midnight (00:00).',
    ],
    alternative: ['yearly on jun 15 at 9am'],
  }),
  schedule('every day in december at 9am', cron('0 9 * 12 *')),
  schedule('weekdays in june and july at 8am', cron('0 8 * 6,7 1-5')),
  schedule(
    'every 3 months on the 1st at 9am',
    cron('0 9 1 1,4,7,10 *', { next: ['2025-07-01T09:00:00Z'] }),
  ),
  schedule('on the first day of the month at 7am', cron('0 7 1 * *')),
];

const ZONES: PhraseCase[] = [
  schedule(
    'every day at 9am',
    cron('0 9 * * *', { timezone: 'America/New_York', next: ['2025-06-11T13:00:00Z'] }),
    {
      zone: 'America/New_York',
      now: '2025-06-11T00:00:00Z',
    },
  ),
  schedule(
    'every day at 9am',
    cron('0 9 * * *', { timezone: 'Asia/Kolkata', next: ['2025-06-11T03:30:00Z'] }),
    {
      zone: 'Asia/Kolkata',
      now: '2025-06-11T00:00:00Z',
    },
  ),
  schedule(
    'every day at 9am PT',
    cron('0 9 * * *', { timezone: 'America/Los_Angeles', next: ['2025-06-11T16:00:00Z'] }),
  ),
  schedule(
    'every day at 2 pm ET',
    cron('0 14 * * *', { timezone: 'America/New_York', next: ['2025-06-11T18:00:00Z'] }),
  ),
  schedule(
    'every day at 9am PT',
    cron('0 9 * * *', { timezone: 'America/Los_Angeles', next: ['2025-12-11T17:00:00Z'] }),
    {
      now: '2025-12-11T15:00:00Z',
    },
  ),
  schedule(
    'every day at 9am IST',
    cron('0 9 * * *', { timezone: 'Asia/Kolkata', next: ['2025-06-12T03:30:00Z'] }),
    {
      warning: ['Read IST as India Standard Time (Asia/Kolkata).'],
      alternative: ['every day at 9am Europe/Dublin', 'every day at 9am Asia/Jerusalem'],
    },
  ),
  schedule('every day at 9am EST', cron('0 9 * * *', { timezone: 'America/New_York' }), {
    warning: [
      'Read EST as US Eastern time (America/New_York), which changes with daylight saving time.',
    ],
    alternative: ['every day at 9am Etc/GMT+5'],
  }),
  schedule(
    'daily at 9am in Berlin time',
    cron('0 9 * * *', { timezone: 'Europe/Berlin', next: ['2025-06-12T07:00:00Z'] }),
  ),
  schedule('every day at 9am tz Europe/Berlin', cron('0 9 * * *', { timezone: 'Europe/Berlin' })),
  schedule('every day at 9am in Europe/Berlin', cron('0 9 * * *', { timezone: 'Europe/Berlin' })),
  schedule('every day at 9am Pacific time', cron('0 9 * * *', { timezone: 'America/Los_Angeles' })),
  schedule(
    'every day at 9am in new york time',
    cron('0 9 * * *', { timezone: 'America/New_York' }),
  ),
  schedule('at 9am every day UTC', cron('0 9 * * *', { timezone: 'UTC' }), {
    zone: 'Europe/Berlin',
  }),
  schedule('every day at 9am tz asia/kolkata', cron('0 9 * * *', { timezone: 'Asia/Kolkata' })),
  schedule('every day at 9am GMT', cron('0 9 * * *', { timezone: 'UTC' }), {
    warning: ['Read GMT as UTC, which has no summer time.'],
    alternative: ['every day at 9am Europe/London'],
  }),
  schedule(
    'every day at 2:30am',
    cron('30 2 * * *', { timezone: 'Europe/Berlin', next: ['2025-06-12T00:30:00Z'] }),
    {
      zone: 'Europe/Berlin',
      warning: [
        'On Sun 26 Oct 2025, 02:30 happens twice in Europe/Berlin (clocks go back); the run is expected once, at the first 02:30.',
        'On Sun 29 Mar 2026, 02:30 does not exist in Europe/Berlin (clocks go forward); that run is expected at 03:00',
      ],
    },
  ),
];

const CRON: PhraseCase[] = [
  schedule('cron "0 3 * * 1-5"', cron('0 3 * * 1-5', { next: ['2025-06-12T03:00:00Z'] })),
  schedule('0 3 * * 1-5', cron('0 3 * * 1-5')),
  schedule('@daily', cron('0 0 * * *')),
  // Go's cron packages write intervals as `@every`, with Go's durations.
  schedule('@every 5m', every(300)),
  schedule('@every 1h30m', every(5400)),
  schedule('@weekly', cron('0 0 * * 0')),
  schedule('@monthly', cron('0 0 1 * *')),
  schedule('@hourly', cron('0 * * * *', { next: ['2025-06-11T16:00:00Z'] })),
  schedule('@yearly', cron('0 0 1 1 *')),
  schedule(
    'cron "0 3 * * 1-5" tz Europe/Berlin',
    cron('0 3 * * 1-5', { timezone: 'Europe/Berlin', next: ['2025-06-12T01:00:00Z'] }),
  ),
  schedule('cron 0 3 * * 1-5', cron('0 3 * * 1-5')),
  schedule("cron '*/5 * * * *'", cron('*/5 * * * *', { next: ['2025-06-11T15:05:00Z'] })),
  schedule('cron “0 3 * * 1-5”', cron('0 3 * * 1-5')),
  schedule('`0 9 * * MON-FRI`', cron('0 9 * * MON-FRI')),
  schedule('cron @daily', cron('0 0 * * *')),
  schedule('0 9 * * * in Berlin time', cron('0 9 * * *', { timezone: 'Europe/Berlin' })),
  schedule(
    '* 9 * * *',
    cron('* 9 * * *', {
      timezone: 'America/Los_Angeles',
      next: ['2025-06-11T16:00:00Z', '2025-06-11T16:01:00Z'],
    }),
    {
      zone: 'America/Los_Angeles',
      warning: ['"* 9 * * *" runs every minute from 09:00 to 09:59, 60 times a day.'],
      alternative: ['cron "0 9 * * *"'],
    },
  ),
  schedule('* 9 * * *', cron('* 9 * * *'), {
    warning: ['"* 9 * * *" runs every minute from 09:00 to 09:59, 60 times a day.'],
    alternative: ['cron "0 9 * * *"'],
  }),
  schedule('* 9-17 * * 1-5', cron('* 9-17 * * 1-5'), {
    warning: ['"* 9-17 * * 1-5" runs every minute from 09:00 to 17:59, 540 times a day.'],
    alternative: ['cron "0 9-17 * * 1-5"'],
  }),
  schedule(
    '0 5 2-8 * 4',
    cron('0 5 2-8 * 4', {
      next: [
        '2021-01-14T05:00:00Z',
        '2021-01-21T05:00:00Z',
        '2021-01-28T05:00:00Z',
        '2021-02-02T05:00:00Z',
      ],
    }),
    {
      now: '2021-01-09T17:48:39Z',
      warning: [
        '"0 5 2-8 * 4" runs on days 2 to 8 of the month or on Thursdays: when neither day field starts with *, cron runs on days that match either one.',
      ],
      alternative: ['cron "0 5 * * 4#2"'],
    },
  ),
  schedule(
    '0 0 */3 * 1-5',
    cron('0 0 */3 * 1-5', {
      next: [
        '2024-04-04T00:00:00Z',
        '2024-04-10T00:00:00Z',
        '2024-04-16T00:00:00Z',
        '2024-04-19T00:00:00Z',
        '2024-04-22T00:00:00Z',
        '2024-04-25T00:00:00Z',
      ],
    }),
    {
      now: '2024-04-03T12:00:00Z',
      warning: ['runs only on every 3rd day of the month from the 1st'],
    },
  ),
  schedule(
    '0 0 * * 7L',
    cron('0 0 * * 7L', {
      next: ['2022-03-27T00:00:00Z', '2022-04-24T00:00:00Z', '2022-05-29T00:00:00Z'],
    }),
    {
      now: '2022-03-09T00:00:00Z',
    },
  ),
  schedule(
    '0 0 * * 1#5',
    cron('0 0 * * 1#5', {
      next: ['2024-01-29T00:00:00Z', '2024-04-29T00:00:00Z', '2024-07-29T00:00:00Z'],
    }),
    {
      now: '2024-01-01T00:00:00Z',
    },
  ),
  schedule('0 * * * *', cron('0 * * * *', { next: ['2025-10-05T03:00:00Z'] }), {
    now: '2025-10-05T02:00:00Z',
  }),
  schedule(
    '15 3 * * *',
    cron('15 3 * * *', {
      timezone: 'Europe/Riga',
      next: ['2021-03-27T01:15:00Z', '2021-03-28T01:00:00Z', '2021-03-29T00:15:00Z'],
    }),
    {
      zone: 'Europe/Riga',
      now: '2021-03-26T22:00:00Z',
      warning: [
        'On Sun 28 Mar 2021, 03:15 does not exist in Europe/Riga',
        'On Sun 31 Oct 2021, 03:15 happens twice in Europe/Riga',
      ],
    },
  ),
  schedule('*/45 * * * *', cron('*/45 * * * *'), {
    warning: [
      '"*/45" in the minute field runs at minutes 0 and 45, so the gap before the next hour is 15 minutes, not 45.',
    ],
    alternative: ['every 45 minutes'],
  }),
  schedule('5/15 * * * *', cron('5/15 * * * *', { next: ['2025-06-11T15:05:00Z'] }), {
    warning: ['"5/15" reads as 5-59/15. Debian cron rejects this form'],
  }),
  schedule(
    '0 9 * * 1,3,5',
    cron('0 9 * * 1,3,5', { next: ['2025-06-13T09:00:00Z', '2025-06-16T09:00:00Z'] }),
  ),
  schedule(
    '0,30 * * * *',
    cron('0,30 * * * *', { next: ['2025-06-11T15:30:00Z', '2025-06-11T16:00:00Z'] }),
  ),
  schedule(
    '0 0 1,15 * *',
    cron('0 0 1,15 * *', { next: ['2025-06-15T00:00:00Z', '2025-07-01T00:00:00Z'] }),
  ),
  schedule('0 9 * * mon,wed', cron('0 9 * * mon,wed', { next: ['2025-06-16T09:00:00Z'] })),
  schedule('0 8 * 1,2,3 *', cron('0 8 * 1,2,3 *', { next: ['2026-01-01T08:00:00Z'] })),
  schedule('cron 0 9 * * 1,3,5', cron('0 9 * * 1,3,5')),
  schedule('cron: 0 9 * * 1,3,5', cron('0 9 * * 1,3,5')),
  schedule('0 3 * * 1–5', cron('0 3 * * 1-5')),
  schedule('cron 0 3 * * mon—fri.', cron('0 3 * * mon-fri')),
  schedule('@daily, in Berlin time', cron('0 0 * * *', { timezone: 'Europe/Berlin' })),
  schedule('"0 9 * * 1,3,5"', cron('0 9 * * 1,3,5')),
  schedule(
    '0 9 * * 1,3,5 tz Europe/Berlin',
    cron('0 9 * * 1,3,5', { timezone: 'Europe/Berlin', next: ['2025-06-13T07:00:00Z'] }),
  ),
  schedule('0 9 * * 1-5, in Berlin time', cron('0 9 * * 1-5', { timezone: 'Europe/Berlin' })),
  schedule('0 9 1,15 * 1,3', cron('0 9 1,15 * 1,3'), {
    warning: ['runs on the 1st and 15th of the month or on Monday and Wednesday'],
    alternative: ['cron "0 9 * * 1#2"'],
  }),
];

const REJECTED: PhraseCase[] = [
  schedule(
    '0 0 30 2 *',
    rejected('schedule_invalid', 'February never has day 30', 'cron "0 0 L 2 *"'),
  ),
  schedule('0 22-2 * * *', rejected('schedule_invalid', '22-23,0-2', 'cron "0 22-23,0-2 * * *"')),
  schedule('*/90 * * * *', rejected('schedule_invalid', '"*/90"', 'cron "*/30 * * * *"')),
  schedule(
    'cron "0 3 * * 1-5',
    rejected(
      'schedule_invalid',
      'The quote mark " before "0 3 * * 1-5" is not closed.',
      'cron "0 3 * * 1-5"',
    ),
  ),
  schedule(
    "cron '15 4 * * * tz Europe/Berlin",
    rejected('schedule_invalid', 'is not closed', "cron '15 4 * * *'"),
  ),
  schedule(
    'every "day at 2am',
    rejected('schedule_invalid', 'is not closed. Close it or remove it.'),
  ),
  schedule(
    '0 9 * * 1, 3, 5',
    rejected('schedule_invalid', 'no spaces after its commas', 'cron "0 9 * * 1,3,5"'),
  ),
  schedule('0 9 * * 1,,3', rejected('schedule_invalid', 'The day-of-week field "1,,3" is invalid')),
  schedule('cron 0 9 * * 1,3,5 2026', rejected('schedule_invalid', '"0 9 * * 1,3,5 2026" has 6')),
  schedule('cron ""', rejected('schedule_invalid', 'The cron expression is empty.')),
  schedule('* * * *', rejected('schedule_invalid', 'has 4')),
  schedule(
    'cron "* * * * * *"',
    rejected('schedule_invalid', 'no field for seconds', 'cron "* * * * *"'),
  ),
  // Quartz and Spring put seconds first, and Quartz writes `?` for "no specific value".
  schedule('0 0 3 * * ?', rejected('schedule_invalid', '"0 0 3 * * ?" has 6', 'cron "0 3 * * *"')),
  schedule(
    '0 0/5 * * * ?',
    rejected('schedule_invalid', 'first in Quartz and Spring', 'cron "0/5 * * * *"'),
  ),
  schedule('0 0 12 ? * MON-FRI', rejected('schedule_invalid', 'has 6', 'cron "0 12 * * MON-FRI"')),
  schedule('0 0 3 ? * * 2027', rejected('schedule_invalid', 'has 7', 'cron "0 3 * * *"')),
  // Quartz counts the days of the week from 1 (Sunday), cron from 0.
  schedule(
    '0 0 12 ? * 2-6',
    rejected('schedule_invalid', 'Quartz numbers the days of the week', 'cron "0 12 * * 1-5"'),
  ),
  schedule('0 15 10 ? * 6L 2026', rejected('schedule_invalid', 'has 7', 'cron "15 10 * * 5L"')),
  schedule('0 0 10 ? * 6#3', rejected('schedule_invalid', 'has 6', 'cron "0 10 * * 5#3"')),
  schedule('0 0 12 ? * 1,7', rejected('schedule_invalid', 'has 6', 'cron "0 12 * * 0,6"')),
  schedule('0 3 * * ?', rejected('schedule_invalid', 'Quartz', 'cron "0 3 * * *"')),
  schedule('0 3 * * * 2027', rejected('schedule_invalid', 'or for a year', 'cron "0 3 * * *"')),
  schedule(
    '0 3 * * * *',
    rejected('schedule_invalid', 'has 6', 'cron "3 * * * *"\ncron "0 3 * * *"'),
  ),
  schedule(
    'evry day at 2am',
    rejected('schedule_invalid', 'Did you mean "every day at 2am"?', 'every day at 2am'),
  ),
  schedule('every day at 25:00', rejected('schedule_invalid', '"25:00" is not a time of day')),
  schedule('every 7 minutes on weekdays', rejected('schedule_invalid', 'the step must divide 60')),
  schedule(
    'every 2 days at 9am',
    rejected('schedule_invalid', '"every 2 days" cannot be a cron schedule', 'every 2 days'),
  ),
  schedule('biweekly', rejected('schedule_invalid', '"biweekly" is ambiguous', 'every 2 weeks')),
  schedule(
    'every second monday at 9am',
    rejected('schedule_invalid', 'every other week', 'the second monday of the month'),
  ),
  schedule(
    'weekly at 9am',
    rejected('schedule_invalid', 'needs a day of the week', 'weekly on monday at 9am'),
  ),
  schedule(
    'every 0 minutes',
    rejected('schedule_invalid', 'A period must be at least 1 second, and "every 0 minutes"'),
  ),
  schedule('every 0s', rejected('schedule_invalid', 'A period must be at least 1 second')),
  schedule(
    'every 400 days',
    rejected('schedule_invalid', 'A period must be at most 366 days, and "every 400 days"'),
  ),
  schedule('every 0.5 seconds', rejected('schedule_invalid', 'not a whole number of seconds')),
  schedule(
    'on the 30th of february at 9am',
    rejected('schedule_invalid', 'February never has day 30'),
  ),
  schedule('every blue moon', rejected('schedule_invalid', '"every blue moon" is not a schedule')),
  schedule('every day at 2am sharp', rejected('schedule_invalid', 'could not read "sharp"')),
  schedule(
    'nightly',
    rejected('schedule_invalid', '"nightly" needs a time of day', 'nightly at 2am'),
  ),
  schedule('every day at 9am tz Mars/Olympus', rejected('timezone_invalid', '"Mars/Olympus"')),
  schedule('0 0 ? * *', rejected('schedule_invalid', 'Quartz')),
  schedule('every day at 13pm', rejected('schedule_invalid', 'with am or pm, the hour is 1 to 12')),
  schedule('0 0 LW * *', rejected('schedule_invalid', 'not supported')),
  schedule('every 5', rejected('schedule_invalid', 'needs a unit')),
  schedule(
    'twice a day at 9am',
    rejected('schedule_invalid', '"twice a day" does not match the 1 time given'),
  ),
  schedule('every monday on the 1st at 9am', rejected('schedule_invalid', 'cannot be combined')),
  schedule(
    'at 8:30am and 8pm',
    rejected('schedule_invalid', '08:30 and 20:00, which one cron line cannot hold'),
  ),
  schedule(
    'every 90 minutes starting at 9am',
    rejected('schedule_invalid', 'the step must divide 60', 'every 90 minutes'),
  ),
  schedule(
    'every 90 minutes from 9am',
    rejected(
      'schedule_invalid',
      '"every 90 minutes from 9am" cannot be a cron schedule',
      'every 90 minutes',
    ),
  ),
  schedule(
    'every 20 minutes from 9am',
    rejected('schedule_invalid', 'needs an end time', 'every 20 minutes from 9am to 5pm'),
  ),
  schedule(
    'every 90 minutes at 9am',
    rejected('schedule_invalid', 'gives both a period and a time of day', 'every 90 minutes'),
  ),
  schedule(
    'every 2 hours at 9am',
    rejected('schedule_invalid', 'gives both', 'every 2 hours starting at 9am'),
  ),
  schedule(
    'every day at 2am and every monday at 3pm',
    rejected(
      'schedule_invalid',
      '"every day at 2am and every monday at 3pm" reads as two schedules, "every day at 2am" and "every monday at 3pm", and one cron expression cannot hold both',
      'every day at 2am',
    ),
  ),
  schedule(
    'every day at 2am and on sundays at 5pm',
    rejected('schedule_invalid', '"every day at 2am" and "on sundays at 5pm"', 'every day at 2am'),
  ),
  schedule(
    'weekdays at 9 and weekends at 11',
    rejected('schedule_invalid', '"weekdays at 9" and "weekends at 11"', 'weekdays at 9'),
  ),
  schedule(
    'at 9am and every monday at 3pm',
    rejected('schedule_invalid', '"at 9am" and "every monday at 3pm"', 'at 9am'),
  ),
  schedule(
    'every day at 2am, every monday at 3pm',
    rejected('schedule_invalid', 'reads as two schedules'),
  ),
  schedule(
    'every day at 2am and every monday',
    rejected('schedule_invalid', '"every day at 2am" and "every monday"'),
  ),
  schedule(
    'on the 1st at 9am and on the 15th at 5pm',
    rejected('schedule_invalid', '"on the 1st at 9am" and "on the 15th at 5pm"'),
  ),
  schedule(
    'every 6 hours starting at 1am and on weekends at noon',
    rejected('schedule_invalid', 'reads as two schedules'),
  ),
  schedule(
    'every day at 9am and every day at 5pm',
    rejected('schedule_invalid', 'gives how often it runs twice'),
  ),
  schedule('', rejected('schedule_invalid', 'The schedule is missing.')),
  schedule('every 2 years', rejected('schedule_invalid', 'longer than a year')),
];

const OPTIONS: PhraseCase[] = [
  // An abbreviation after tz is read as after a time, with the same note.
  spec(
    'every day at 9am tz MST grace 30m',
    cron('0 9 * * *', { timezone: 'America/Denver', graceMs: 1_800_000 }),
    {
      warning: [
        'Read MST as Mountain time (America/Denver), which changes with daylight saving time.',
      ],
      alternative: ['every day at 9am tz America/Phoenix grace 30m'],
    },
  ),
  spec('cron "0 9 * * *" tz EST', cron('0 9 * * *', { timezone: 'America/New_York' }), {
    warning: ['Read EST as US Eastern time (America/New_York), which changes with daylight'],
    alternative: ['cron "0 9 * * *" tz Etc/GMT+5'],
  }),
  spec('cron "0 9 * * *" tz GMT+2', cron('0 9 * * *', { timezone: 'Etc/GMT-2' }), {
    warning: ['Read GMT+2 as the fixed offset UTC+2 (Etc/GMT-2, which IANA names with the sign'],
  }),
  spec('cron "0 9 * * *" tz UTC-5', cron('0 9 * * *', { timezone: 'Etc/GMT+5' }), {
    warning: ['Read UTC-5 as the fixed offset UTC-5 (Etc/GMT+5'],
  }),
  spec('@every 2h grace 10m', { interval: 7200, graceMs: 600_000 }),
  spec(
    'every 2 hours tz Europe/Berlin',
    { interval: 7200 },
    { warning: ['An interval counts from each ping, so "tz Europe/Berlin" changes nothing here.'] },
  ),
  spec('every day at 2am max_runtime 2h', cron('0 2 * * *', { maxRuntimeMs: 7_200_000 })),
  // healthchecks.io's timeout is the time between runs, other tools' the longest run.
  spec(
    'every day at 2am timeout 2h grace 30m',
    rejected(
      'command_invalid',
      '"timeout" is not an option. For the longest a run may take, write "max runtime 2h".',
      'every day at 2am max runtime 2h grace 30m',
    ),
  ),
  spec(
    'every day at 2am Time-Out 2 hours',
    rejected(
      'command_invalid',
      '"Time-Out" is not an option',
      'every day at 2am max runtime 2 hours',
    ),
  ),
  spec(
    'every day at 2am grace 10 fortnights',
    rejected('duration_invalid', '"fortnights" in "grace 10 fortnights" is not a unit of time'),
  ),
  spec(
    'every day at 2am grace 30 max runtime 2h',
    rejected('duration_invalid', '"grace 30" has no unit: write 30s, 30m or 30h.'),
  ),
  spec('every day at 2am grace 30m', cron('0 2 * * *', { graceMs: 1_800_000 })),
  spec(
    'cron "0 3 * * 1-5" tz Europe/Berlin max runtime 2h',
    cron('0 3 * * 1-5', { timezone: 'Europe/Berlin', maxRuntimeMs: 7_200_000 }),
  ),
  spec('every weekday at 9:30am in #finance', cron('30 9 * * 1-5', { channel: 'finance' })),
  spec('every 15 minutes grace 5 minutes in <#C0123|ops>', {
    interval: 900,
    graceMs: 300_000,
    channel: 'C0123',
  }),
  spec('every hour grace 1h 30m max-runtime 45m', {
    interval: 3600,
    graceMs: 5_400_000,
    maxRuntimeMs: 2_700_000,
  }),
  spec(
    'every day at 9am in Berlin time grace 10m',
    cron('0 9 * * *', { timezone: 'Europe/Berlin', graceMs: 600_000 }),
  ),
  spec(
    'every day at 9am tz IST grace 5m',
    cron('0 9 * * *', { timezone: 'Asia/Kolkata', graceMs: 300_000 }),
    {
      warning: ['Read IST as India Standard Time (Asia/Kolkata).'],
      alternative: [
        'every day at 9am tz Europe/Dublin grace 5m',
        'every day at 9am tz Asia/Jerusalem grace 5m',
      ],
    },
  ),
  spec(
    'grace 5m weekdays at 9 max runtime 1h',
    cron('0 9 * * 1-5', { graceMs: 300_000, maxRuntimeMs: 3_600_000 }),
    {
      warning: [BARE_NINE],
      alternative: ['weekdays at 9pm grace 5m max runtime 1h'],
    },
  ),
  spec("'*/45 * * * *' tz UTC", cron('*/45 * * * *'), {
    warning: ['"*/45" in the minute field runs at minutes 0 and 45'],
    alternative: ['every 45 minutes tz UTC'],
  }),
  spec('grace 5m every hour in <#123456789>', {
    interval: 3600,
    graceMs: 300_000,
    channel: '123456789',
  }),
  spec('every day at 2am max run time 90 minutes', cron('0 2 * * *', { maxRuntimeMs: 5_400_000 })),
  spec('every day at 2am grace period of 1 hour', cron('0 2 * * *', { graceMs: 3_600_000 })),
  spec('every day at 2am grace 30m grace 1h', rejected('command_invalid', 'given twice')),
  spec('every hour grace soon', rejected('duration_invalid', '"grace" needs a duration')),
  spec('every day at 9am PT tz Europe/Berlin', rejected('timezone_invalid', 'names two zones')),
  spec('grace 30m', rejected('schedule_invalid', 'The schedule is missing.')),
  spec('every day at 9am tz nowhere', rejected('timezone_invalid', '"nowhere"')),
  spec('0 9 * * 1,3,5', cron('0 9 * * 1,3,5')),
  spec(
    '0 9 * * 1,3,5 grace 30m tz Europe/Berlin',
    cron('0 9 * * 1,3,5', { timezone: 'Europe/Berlin', graceMs: 1_800_000 }),
  ),
  spec(
    'cron 0,30 9-17 * * mon,wed in #ops max runtime 1h',
    cron('0,30 9-17 * * mon,wed', { channel: 'ops', maxRuntimeMs: 3_600_000 }),
  ),
  spec(
    'every day at 2am, grace 30m, in #ops',
    cron('0 2 * * *', { graceMs: 1_800_000, channel: 'ops' }),
  ),
  spec('every hour grace 1 year', { interval: 3600, graceMs: 31_536_000_000 }),
  spec('every hour grace 1 yr', { interval: 3600, graceMs: 31_536_000_000 }),
  spec('every hour grace 366 days', { interval: 3600, graceMs: 31_622_400_000 }),
  spec('every hour grace 1s', { interval: 3600, graceMs: 1000 }),
  spec(
    'every hour grace 0s',
    rejected(
      'duration_invalid',
      'The grace period must be at least 1 second, and "0s" is shorter.',
      'grace 10 minutes',
    ),
  ),
  spec(
    'every hour grace 2 years',
    rejected('duration_invalid', 'The grace period must be at most 366 days, and "2 years"'),
  ),
  spec(
    'every hour max runtime 400 days',
    rejected('duration_invalid', 'The maximum run time must be at most 366 days'),
  ),
  spec(
    '0 9 * * 1,3,5 sharp grace 30m',
    rejected('schedule_invalid', 'Drumbeat could not read "sharp" in "0 9 * * 1,3,5 sharp"'),
  ),
  spec(
    'cron "0 3 * * 1-5 grace 30m',
    rejected('schedule_invalid', 'The quote mark " before "0 3 * * 1-5 grace 30m" is not closed.'),
  ),
  spec(
    'every day at 2am and every monday at 3pm grace 10m',
    rejected('schedule_invalid', 'reads as two schedules'),
  ),
];

const SILENCES: PhraseCase[] = [
  silence('for 2 hours', { until: '2025-06-11T17:00:00Z' }),
  silence('for 90m', { until: '2025-06-11T16:30:00Z' }),
  silence('until 5pm', { until: '2025-06-11T17:00:00Z' }),
  silence('until tomorrow 9am', { until: '2025-06-12T09:00:00Z' }),
  silence(
    'until monday',
    { until: '2025-06-16T00:00:00Z' },
    {
      warning: ['No time was given, so the silence ends at the start of that day (00:00)'],
      alternative: ['until monday 9am'],
    },
  ),
  silence('until midnight tonight', { until: '2025-06-12T00:00:00Z' }),
  silence(
    'until 2027-01-04 08:00',
    { until: '2027-01-04T08:00:00Z' },
    { now: '2026-12-01T00:00:00Z' },
  ),
  silence('until 2027-01-04 08:00', rejected('time_invalid', 'at most 90 days')),
  silence(
    'until tomorrow at 9am',
    { until: '2025-03-09T13:00:00Z' },
    { zone: 'America/New_York', now: '2025-03-08T15:00:00Z' },
  ),
  silence(
    'until tomorrow at midnight',
    { until: '2025-06-13T00:00:00Z' },
    {
      warning: ['Read "tomorrow at midnight" as the end of tomorrow.'],
      alternative: ['until midnight tonight'],
    },
  ),
  silence('until 9am PT', { until: '2025-06-11T16:00:00Z' }),
  silence('until 2 pm ET', { until: '2025-06-11T18:00:00Z' }),
  silence(
    'until 9am IST',
    { until: '2025-06-12T03:30:00Z' },
    {
      warning: ['Read IST as India Standard Time'],
      alternative: ['until 9am Europe/Dublin', 'until 9am Asia/Jerusalem'],
    },
  ),
  silence('until yesterday', rejected('time_invalid', 'is in the past')),
  silence(
    'until 2025-06-10 10:00',
    rejected('time_invalid', 'is in the past: it reads as Tue 10 Jun 2025 10:00 +00:00'),
  ),
  silence('for 100 days', rejected('time_invalid', 'at most 90 days')),
  silence('for 3 horus', rejected('time_invalid', '"3 horus" is not a duration', 'for 3 hours')),
  silence('for 45 minuts', rejected('time_invalid', 'not a duration', 'for 45 minutes')),
  silence('until blah', rejected('time_invalid', '"blah" is not a time')),
  silence('until noon', { until: '2025-06-12T12:00:00Z' }),
  silence('until friday 17:30', { until: '2025-06-13T17:30:00Z' }),
  silence(
    'until tomorrow morning',
    { until: '2025-06-12T09:00:00Z' },
    { warning: ['Read "morning" as 09:00'], alternative: ['until tomorrow 8am'] },
  ),
  silence('for an hour', { until: '2025-06-11T16:00:00Z' }),
  silence('for half an hour', { until: '2025-06-11T15:30:00Z' }),
  silence('for 1 hour 30 minutes', { until: '2025-06-11T16:30:00Z' }),
  silence('until 2025-07-01T08:00Z', { until: '2025-07-01T08:00:00Z' }),
  silence('until midnight', { until: '2025-06-11T22:00:00Z' }, { zone: 'Europe/Berlin' }),
  silence(
    'until monday',
    { until: '2025-06-15T18:30:00Z' },
    { zone: 'Asia/Kolkata', warning: ['No time was given'], alternative: ['until monday 9am'] },
  ),
  silence('until 5pm', { until: '2025-06-11T21:00:00Z' }, { zone: 'America/New_York' }),
  silence(
    'until wednesday',
    { until: '2025-06-18T00:00:00Z' },
    { warning: ['No time was given'], alternative: ['until wednesday 9am'] },
  ),
  silence('2 hours', { until: '2025-06-11T17:00:00Z' }),
  silence('till 6pm', { until: '2025-06-11T18:00:00Z' }),
  silence('until 5pm', { until: '2025-06-12T15:00:00Z' }, { zone: 'Europe/Berlin' }),
  silence(
    'for 0 minutes',
    rejected('time_invalid', 'A silence must last at least 1 second, and "0 minutes" is shorter.'),
  ),
  silence('for 0s', rejected('time_invalid', 'A silence must last at least 1 second')),
  silence('0s', rejected('time_invalid', 'A silence must last at least 1 second')),
  silence('for 1 year', rejected('time_invalid', 'at most 90 days')),
  silence('for soon', rejected('time_invalid', '"soon" is not a duration Drumbeat understands.')),
  silence(
    'until midnight tonight',
    { until: '2025-03-30T00:00:00Z' },
    { zone: 'Europe/London', now: '2025-03-29T20:00:00Z' },
  ),
  silence(
    'until 1:30am',
    { until: '2025-03-30T01:00:00Z' },
    {
      zone: 'Europe/London',
      now: '2025-03-29T20:00:00Z',
      warning: [
        'does not exist in Europe/London (clocks go forward), so the silence ends at Sun 30 Mar 2025 02:00 +01:00',
      ],
    },
  ),
];

export const PHRASE_TABLE: PhraseCase[] = [
  ...INTERVALS,
  ...TIMES_OF_DAY,
  ...DAYS,
  ...MONTHS,
  ...ZONES,
  ...CRON,
  ...REJECTED,
  ...OPTIONS,
  ...SILENCES,
];
