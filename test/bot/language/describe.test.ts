import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  formatLocalTime,
  formatOffset,
} from '../../../src/bot/language/index.js';

const cron = (expression: string, timezone = 'UTC') =>
  describeSchedule({ kind: 'cron', expression, timezone });

describe('describeSchedule for cron', () => {
  it.each([
    ['0 2 * * *', 'at 02:00 every day (UTC)'],
    ['30 9 * * 1-5', 'at 09:30 on weekdays (Monday to Friday) (UTC)'],
    ['0 10 * * 0,6', 'at 10:00 on weekends (Saturday and Sunday) (UTC)'],
    ['0 15 * * 1,4', 'at 15:00 on Monday and Thursday (UTC)'],
    ['0 0 * * 0', 'at 00:00 on Sundays (UTC)'],
    ['0 9 * * 1-6', 'at 09:00 from Monday to Saturday (UTC)'],
    ['0 8,20 * * *', 'at 08:00 and 20:00 every day (UTC)'],
    ['0 6 1 * *', 'at 06:00 on the 1st of every month (UTC)'],
    ['0 9 1,15 * *', 'at 09:00 on the 1st and 15th of every month (UTC)'],
    ['0 23 L * *', 'at 23:00 on the last day of every month (UTC)'],
    ['0 9 * * 1#1', 'at 09:00 on the first Monday of the month (UTC)'],
    ['0 17 * * 5L', 'at 17:00 on the last Friday of the month (UTC)'],
    ['0 9 1 1 *', 'at 09:00 on the 1st of January (UTC)'],
    ['0 9 * 6,7 1-5', 'at 09:00 on weekdays (Monday to Friday) in June and July (UTC)'],
    ['0 9 * 1-3 *', 'at 09:00 every day in January to March (UTC)'],
    ['*/15 * * * *', 'every 15 minutes (UTC)'],
    ['* * * * *', 'every minute (UTC)'],
    ['* 9 * * *', 'every minute from 09:00 to 09:59 (UTC)'],
    [
      '*/15 9-16 * * 1-5',
      'every 15 minutes from 09:00 to 16:45 on weekdays (Monday to Friday) (UTC)',
    ],
    ['5-59/15 * * * *', 'every 15 minutes starting at minute 5 (UTC)'],
    ['5-59/15 9-16 * * *', 'every 15 minutes starting at minute 5 from 09:05 to 16:50 (UTC)'],
    ['0 9-17 * * *', 'every hour, on the hour, from 09:00 to 17:00 (UTC)'],
    ['15 9-17 * * *', 'every hour, at 15 minutes past, from 09:15 to 17:15 (UTC)'],
    ['0,10,40 9-17 * * *', 'at minutes 0, 10 and 40 past the hour, from 09:00 to 17:40 (UTC)'],
    ['0 * * * *', 'every hour, on the hour (UTC)'],
    ['15 * * * *', 'every hour, at 15 minutes past (UTC)'],
    ['0 */2 * * *', 'every 2 hours, on the hour (UTC)'],
    ['0 1,7,13,19 * * *', 'at 01:00, 07:00, 13:00 and 19:00 every day (UTC)'],
    ['0 5 2-8 * 4', 'at 05:00 on days 2 to 8 of the month or on Thursdays (UTC)'],
    [
      '0 0 */3 * 1-5',
      'at 00:00 on every 3rd day of the month from the 1st (1, 4, 7, …, 31), if that day is a weekday (Monday to Friday) (UTC)',
    ],
    ['0 3 * * 1-5', 'at 03:00 on weekdays (Monday to Friday) (Europe/Berlin)', 'Europe/Berlin'],
  ])('describes %s', (expression, words, timezone = 'UTC') => {
    expect(cron(expression, timezone)).toBe(words);
  });
});

describe('describeSchedule for intervals', () => {
  it.each([
    [30, 'every 30 seconds'],
    [60, 'every minute'],
    [900, 'every 15 minutes'],
    [3600, 'every hour'],
    [5400, 'every 90 minutes'],
    [7200, 'every 2 hours'],
    [86_400, 'every day'],
    [129_600, 'every 36 hours'],
    [604_800, 'every week'],
    [1_209_600, 'every 2 weeks'],
    [90, 'every 90 seconds'],
  ])('describes %i seconds', (periodSeconds, words) => {
    expect(describeSchedule({ kind: 'interval', periodSeconds })).toBe(words);
  });
});

describe('formatLocalTime', () => {
  it('shows the wall time and offset in the zone', () => {
    expect(formatLocalTime(Date.parse('2025-06-15T22:00:00Z'), 'Europe/Berlin')).toBe(
      'Mon 16 Jun 2025 00:00 +02:00',
    );
    expect(formatLocalTime(Date.parse('2025-06-11T03:30:00Z'), 'Asia/Kolkata')).toBe(
      'Wed 11 Jun 2025 09:00 +05:30',
    );
  });

  it('shows seconds only when there are some', () => {
    expect(formatLocalTime(Date.parse('2025-06-15T22:00:30Z'), 'Europe/Berlin')).toBe(
      'Mon 16 Jun 2025 00:00:30 +02:00',
    );
    expect(formatLocalTime(Date.parse('2025-06-15T22:00:05.900Z'), 'UTC')).toBe(
      'Sun 15 Jun 2025 22:00:05 +00:00',
    );
  });

  it('tells the two passes of a repeated hour apart', () => {
    const first = formatLocalTime(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York');
    const second = formatLocalTime(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York');
    expect(first).toBe('Sun 1 Nov 2026 01:30 -04:00');
    expect(second).toBe('Sun 1 Nov 2026 01:30 -05:00');
  });

  it('formats offsets with sign, hours and minutes', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-4 * 3_600_000)).toBe('-04:00');
    expect(formatOffset(10.5 * 3_600_000)).toBe('+10:30');
  });
});
