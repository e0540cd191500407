// The periods a digest covers, in the team's zone. Days are local days, so a week that crosses a
// DST change is 167 or 169 hours long.

import { wallTimeAt, wallTimeToInstant } from '../domain/local-time.js';
import { DAY_MS } from './slots.js';

/** `weekly` and `daily` digests cover full days; `week_to_date` is this week up to now. */
export type PeriodKind = 'weekly' | 'daily' | 'week_to_date';

export interface DigestPeriod {
  kind: PeriodKind;
  timezone: string;
  startMs: number;
  /** The end of the last day, even for a week to date, whose numbers stop at `now`. */
  endMs: number;
  /** The first instant of each local day in the period: the columns of the picture. */
  dayStarts: number[];
}

function wallDayOf(timezone: string, atMs: number): number {
  return Math.floor(wallTimeAt(timezone, atMs) / DAY_MS) * DAY_MS;
}

/** Returns the first instant of the local day that contains `atMs`. */
export function localDayStart(timezone: string, atMs: number): number {
  return wallTimeToInstant(timezone, wallDayOf(timezone, atMs));
}

/** Returns the first instant of the local day `days` days after the one that contains `atMs`. */
export function shiftLocalDays(timezone: string, atMs: number, days: number): number {
  return wallTimeToInstant(timezone, wallDayOf(timezone, atMs) + days * DAY_MS);
}

/** Returns the weekday of `atMs` in the zone, 0 for Sunday. */
export function localWeekday(timezone: string, atMs: number): number {
  return new Date(wallDayOf(timezone, atMs)).getUTCDay();
}

/** Returns the first instant of the local Monday of the week that contains `atMs`. */
export function localWeekStart(timezone: string, atMs: number): number {
  const daysSinceMonday = (localWeekday(timezone, atMs) + 6) % 7;
  return shiftLocalDays(timezone, atMs, -daysSinceMonday);
}

function periodOfDays(
  kind: PeriodKind,
  timezone: string,
  startMs: number,
  days: number,
): DigestPeriod {
  const dayStarts: number[] = [];
  for (let i = 0; i < days; i++) dayStarts.push(shiftLocalDays(timezone, startMs, i));
  return { kind, timezone, startMs, endMs: shiftLocalDays(timezone, startMs, days), dayStarts };
}

/**
 * Returns the period of a digest posted at `postedAtMs`: the seven full days before the day it is
 * posted (Monday to Sunday for a Monday digest), or the day before for a daily one.
 */
export function periodBefore(
  kind: 'weekly' | 'daily',
  timezone: string,
  postedAtMs: number,
): DigestPeriod {
  const days = kind === 'weekly' ? 7 : 1;
  return periodOfDays(kind, timezone, shiftLocalDays(timezone, postedAtMs, -days), days);
}

/** Returns the period of the same length just before `period`, for the comparison. */
export function previousPeriod(period: DigestPeriod): DigestPeriod {
  const days = period.dayStarts.length;
  const kind = period.kind === 'week_to_date' ? 'weekly' : period.kind;
  return periodOfDays(
    kind,
    period.timezone,
    shiftLocalDays(period.timezone, period.startMs, -days),
    days,
  );
}

/** Returns this week, Monday to Sunday in the zone, for a digest shown before the week ends. */
export function weekToDate(timezone: string, nowMs: number): DigestPeriod {
  return periodOfDays('week_to_date', timezone, localWeekStart(timezone, nowMs), 7);
}
