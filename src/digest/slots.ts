// The history keeps counters per 15-minute slot. Every zone in use today is offset from UTC by a
// multiple of 15 minutes, so a local day or hour always starts on a slot boundary.

export const SLOT_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;
export const SLOTS_PER_DAY = DAY_MS / SLOT_MS;

/** History is kept this long after the day it belongs to: six weeks, more than the five needed. */
export const HISTORY_RETENTION_MS = 42 * DAY_MS;

/** Run times sampled per monitor and UTC day; a job that runs every 10 minutes keeps them all. */
export const RUN_SAMPLES_PER_DAY = 150;

/** What the history counts per slot. Each count belongs to the slot of the time it is about. */
export interface SlotCounters {
  /** Runs that succeeded on time, by the time the run started or was expected. */
  successes: number;
  failures: number;
  /** Runs that reported after their deadline, by the time they were expected. */
  late: number;
  /** Runs that never reported, by the time they were expected. */
  missed: number;
  /** Runs that started and did not finish within the maximum run time, by their start. */
  hung: number;
  /** Incidents, by the time they opened; so are the four counters after this one. */
  incidents: number;
  acknowledged: number;
  acknowledgeMs: number;
  /** Incidents closed by a ping (recovered or ran late); paused and deleted ones are not. */
  recovered: number;
  recoverMs: number;
  /** The longest closed incident that opened in the slot. */
  longestOutageMs: number;
  /** Milliseconds of the slot during which a closed incident was open. */
  downMs: number;
  /**
   * The time of the monitor's first ping ever, in epoch ms, stored in the slot of that ping.
   * Every other slot has 0.
   */
  firstPingAt: number;
}

export type CounterName = keyof SlotCounters;

/** Short field codes in Redis, so that a day's hash stays small. */
export const COUNTER_CODES: Readonly<Record<CounterName, string>> = {
  successes: 's',
  failures: 'f',
  late: 'l',
  missed: 'm',
  hung: 'h',
  incidents: 'i',
  acknowledged: 'a',
  acknowledgeMs: 'at',
  recovered: 'r',
  recoverMs: 'rt',
  longestOutageMs: 'o',
  downMs: 'd',
  firstPingAt: 'fp',
};

export const COUNTER_BY_CODE: ReadonlyMap<string, CounterName> = new Map(
  Object.entries(COUNTER_CODES).map(([name, code]) => [code, name as CounterName]),
);

export function emptyCounters(): SlotCounters {
  return {
    successes: 0,
    failures: 0,
    late: 0,
    missed: 0,
    hung: 0,
    incidents: 0,
    acknowledged: 0,
    acknowledgeMs: 0,
    recovered: 0,
    recoverMs: 0,
    longestOutageMs: 0,
    downMs: 0,
    firstPingAt: 0,
  };
}

/**
 * Adds `b` into `a`. The longest outage is a maximum, the first ping the earliest one that is
 * set, and everything else a sum.
 */
export function addCounters(a: SlotCounters, b: SlotCounters): void {
  for (const name of Object.keys(a) as CounterName[]) {
    if (name === 'longestOutageMs') a[name] = Math.max(a[name], b[name]);
    else if (name === 'firstPingAt') a[name] = earliestSet(a[name], b[name]);
    else a[name] = a[name] + b[name];
  }
}

/** Returns the earlier of two times, where 0 means not set. */
function earliestSet(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

export function slotStart(atMs: number): number {
  return Math.floor(atMs / SLOT_MS) * SLOT_MS;
}

export function utcDay(atMs: number): number {
  return Math.floor(atMs / DAY_MS);
}

/** The hash field of a counter in its day's hash: `<slot of the day>:<code>`. */
export function counterField(atMs: number, name: CounterName): string {
  const slot = Math.floor((atMs - utcDay(atMs) * DAY_MS) / SLOT_MS);
  return `${slot}:${COUNTER_CODES[name]}`;
}
