// The cells of the digest's picture: one per monitor and day, split into hours for monitors that
// run more often than hourly and for daily digests.

import { typicalPeriodMs } from '../domain/schedule.js';
import type { Monitor } from '../domain/types.js';
import type { MonitorHistory } from './history-store.js';
import { type Interval, overlapMs } from './intervals.js';
import type { DigestPeriod } from './periods.js';
import { addCounters, emptyCounters, SLOT_MS, type SlotCounters } from './slots.js';

/**
 * A cell's health, worst first, which is how the hours of a day are summed up. `down` is time
 * inside an incident with no run reported; `idle` had nothing to report; `none` is outside the
 * monitor's lifetime.
 */
export const CELL_STATES = [
  'missed',
  'hung',
  'failed',
  'late',
  'down',
  'ok',
  'paused',
  'idle',
  'none',
] as const;
export type CellState = (typeof CELL_STATES)[number];

export interface DayCell {
  dayStartMs: number;
  state: CellState;
  /** One state per local hour (23 to 25 of them), for hourly rows; null for daily ones. */
  hours: CellState[] | null;
}

export interface GridRow {
  monitorId: string;
  name: string;
  days: DayCell[];
}

const HOUR_MS = 3_600_000;

/** What the cells of one monitor are computed from. */
export interface CellSource {
  history: MonitorHistory;
  /** When the monitor existed and the period had begun, up to now. */
  lifetime: Interval;
  paused: Interval[];
  /** The open incident's [openedAt, now), if one is open. */
  openIncident: Interval | null;
}

/** Sums the counters of the slots that start in `range`. */
export function sumSlots(history: MonitorHistory, range: Interval): SlotCounters {
  const sum = emptyCounters();
  for (let at = Math.ceil(range.startMs / SLOT_MS) * SLOT_MS; at < range.endMs; at += SLOT_MS) {
    const counters = history.slots.get(at);
    if (counters) addCounters(sum, counters);
  }
  return sum;
}

export function cellState(source: CellSource, range: Interval): CellState {
  const { lifetime } = source;
  const live = {
    startMs: Math.max(range.startMs, lifetime.startMs),
    endMs: Math.min(range.endMs, lifetime.endMs),
  };
  if (live.endMs <= live.startMs) return 'none';
  const liveMs = live.endMs - live.startMs;
  const pausedMs = overlapMs(live, source.paused);
  const c = sumSlots(source.history, range);
  if (c.missed > 0) return 'missed';
  if (c.hung > 0) return 'hung';
  if (c.failures > 0) return 'failed';
  if (c.late > 0) return 'late';
  // A run that reported on time outweighs an incident that ran on from before it.
  if (c.successes > 0) return 'ok';
  const open = source.openIncident === null ? 0 : overlapMs(live, [source.openIncident]);
  if (c.downMs > 0 || open > 0) return 'down';
  if (pausedMs > 0) return pausedMs >= liveMs ? 'paused' : 'idle';
  return 'idle';
}

/** Whether a monitor's row is split into hours: it runs at least hourly, or the digest is daily. */
export function isHourlyRow(monitor: Monitor, period: DigestPeriod): boolean {
  return period.kind === 'daily' || typicalPeriodMs(monitor.schedule, period.startMs) <= HOUR_MS;
}

function worst(states: CellState[]): CellState {
  let best = CELL_STATES.length - 1;
  for (const state of states) best = Math.min(best, CELL_STATES.indexOf(state));
  // An hour that did not exist yet or any more does not make the rest of a day "none".
  return CELL_STATES[best] ?? 'none';
}

/** Builds the row of one monitor for the picture. */
export function gridRow(monitor: Monitor, period: DigestPeriod, source: CellSource): GridRow {
  const hourly = isHourlyRow(monitor, period);
  const days = period.dayStarts.map((dayStartMs, index): DayCell => {
    const dayEndMs = period.dayStarts[index + 1] ?? period.endMs;
    if (!hourly) {
      return {
        dayStartMs,
        state: cellState(source, { startMs: dayStartMs, endMs: dayEndMs }),
        hours: null,
      };
    }
    const hours: CellState[] = [];
    for (let start = dayStartMs; start < dayEndMs; start += HOUR_MS) {
      hours.push(cellState(source, { startMs: start, endMs: Math.min(start + HOUR_MS, dayEndMs) }));
    }
    return { dayStartMs, state: worst(hours), hours };
  });
  return { monitorId: monitor.id, name: monitor.name, days };
}
