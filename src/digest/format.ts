// Numbers and dates of digests as people read them.

import { formatDuration } from '../domain/durations.js';
import type { DigestPeriod } from './periods.js';

/**
 * Formats a share as a percentage with one decimal, rounded to the nearest tenth. Only a perfect
 * record reads as 100% and only a share of nothing as 0.0%: 99.96% reads as 99.9%, and 0.04%
 * as 0.1%.
 */
export function formatShare(share: number): string {
  if (share >= 1) return '100%';
  if (share <= 0) return '0.0%';
  const tenths = Math.min(999, Math.max(1, Math.round(share * 1000)));
  return `${(tenths / 10).toFixed(1)}%`;
}

export function formatOptionalDuration(ms: number | null): string {
  return ms === null ? 'none' : formatDuration(ms);
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Formats a day as `Mon 10 Mar`, or `Mon 10 Mar 2025`; en-GB alone would put a comma in. */
function dayLabel(ms: number, timezone: string, withYear: boolean): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';
  const label = `${part('weekday')} ${part('day')} ${part('month')}`;
  return withYear ? `${label} ${part('year')}` : label;
}

/** Formats the days of a period: `Mon 10 Mar – Sun 16 Mar 2025`, or one day for a daily digest. */
export function formatPeriodDays(period: DigestPeriod): string {
  const first = period.dayStarts[0] ?? period.startMs;
  const last = period.dayStarts.at(-1) ?? first;
  if (first === last) return dayLabel(first, period.timezone, true);
  return `${dayLabel(first, period.timezone, false)} – ${dayLabel(last, period.timezone, true)}`;
}

/** The column header of a day in the picture: `Mon 10`. */
export function formatColumnDay(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
  }).format(ms);
}

/** The local date of an instant as `2025-03-10`, for file names and keys. */
export function localDate(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}
