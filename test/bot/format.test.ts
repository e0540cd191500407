import { describe, expect, it } from 'vitest';
import { formatTime } from '../../src/bot/format.js';

describe('formatTime', () => {
  const at = Date.UTC(2025, 2, 14, 22, 30);

  it('says today while now is on the same day', () => {
    expect(formatTime(at, 'Europe/Berlin', Date.UTC(2025, 2, 14, 22, 45))).toBe('today, 23:30 CET');
  });

  it('shows the day again once now is on the next day', () => {
    // The same instant and zone as above, formatted again after local midnight.
    const nextDay = Date.UTC(2025, 2, 14, 23, 1);
    expect(formatTime(at, 'Europe/Berlin', Date.UTC(2025, 2, 14, 22, 45))).toContain('today');
    expect(formatTime(at, 'Europe/Berlin', nextDay)).toBe('Fri 14 Mar, 23:30 CET');
  });

  it('formats each zone on its own', () => {
    expect(formatTime(at, 'UTC')).toBe('Fri 14 Mar, 22:30 UTC');
    expect(formatTime(at, 'America/New_York')).toBe('Fri 14 Mar, 18:30 GMT-4');
  });
});
