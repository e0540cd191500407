// Wall-clock arithmetic in IANA zones, on top of Intl alone so that no result depends on the
// host's TZ. A "wall time" is a local date and time encoded as epoch milliseconds as if the zone
// were UTC: Date.UTC(2021, 2, 28, 3, 15) is 03:15 local on 28 March 2021 in whatever zone is meant.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface LocalDateTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 is Sunday. */
  weekday: number;
}

/** How a wall time maps to real instants in a zone. */
export type WallTimeResolution =
  | { kind: 'normal'; instant: number }
  /** The wall time falls in a spring-forward gap; `firstInstantAfter` is the transition. */
  | { kind: 'gap'; firstInstantAfter: number }
  /** The wall time occurs twice around a fall-back change, at `first` and then at `second`. */
  | { kind: 'overlap'; first: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

// en-US with h23 formats as "6/11/2025, 15:00:00"; format() is about three times faster than
// formatToParts(), and this runs for every cron candidate.
const FORMATTED = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** Returns the wall time of `instantMs` in `timezone`, to the second. */
export function wallTimeAt(timezone: string, instantMs: number): number {
  const text = formatterFor(timezone).format(Math.floor(instantMs / 1000) * 1000);
  const match = FORMATTED.exec(text);
  if (!match) throw new Error(`Unexpected date format from Intl: ${text}`);
  const [, month, day, year, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/** Returns the zone's offset from UTC at `instantMs`, in milliseconds (east is positive). */
export function offsetMsAt(timezone: string, instantMs: number): number {
  return wallTimeAt(timezone, instantMs) - Math.floor(instantMs / 1000) * 1000;
}

/** Splits a wall time into its calendar fields. */
export function wallFields(wallMs: number): LocalDateTime {
  const date = new Date(wallMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekday: date.getUTCDay(),
  };
}

/** Returns the calendar fields of `instantMs` as a clock in `timezone` shows them. */
export function localFields(timezone: string, instantMs: number): LocalDateTime {
  return wallFields(wallTimeAt(timezone, instantMs));
}

/**
 * Finds the first instant in (loMs, hiMs] whose offset differs from the offset at loMs, to the
 * second. The caller guarantees that the offset at hiMs differs.
 */
function findTransition(timezone: string, loMs: number, hiMs: number): number {
  const before = offsetMsAt(timezone, loMs);
  let lo = Math.floor(loMs / 1000);
  let hi = Math.ceil(hiMs / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMsAt(timezone, mid * 1000) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

/** Maps a wall time to the instants at which a clock in `timezone` shows it. */
export function resolveWallTime(timezone: string, wallMs: number): WallTimeResolution {
  // Any offset that applies to this wall time is in force within a day of it.
  const offsets = new Set([
    offsetMsAt(timezone, wallMs - DAY_MS),
    offsetMsAt(timezone, wallMs + DAY_MS),
  ]);
  for (const offset of [...offsets]) offsets.add(offsetMsAt(timezone, wallMs - offset));
  const instants = [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallTimeAt(timezone, instant) === Math.floor(wallMs / 1000) * 1000)
    .sort((a, b) => a - b);
  const unique = instants.filter((instant, index) => instant !== instants[index - 1]);
  if (unique.length === 1) return { kind: 'normal', instant: unique[0]! };
  if (unique.length >= 2) return { kind: 'overlap', first: unique[0]!, second: unique.at(-1)! };

  // No instant shows this wall time: it lies in a gap. The transition is between the instants
  // that the largest and the smallest offset would give.
  const sorted = [...offsets].sort((a, b) => a - b);
  const firstInstantAfter = findTransition(timezone, wallMs - sorted.at(-1)!, wallMs - sorted[0]!);
  return { kind: 'gap', firstInstantAfter };
}

/**
 * Returns the instant of a wall time the way cron reads a fixed local time: in a gap, the first
 * instant after it; in an overlap, the first of the two.
 */
export function wallTimeToInstant(timezone: string, wallMs: number): number {
  const resolved = resolveWallTime(timezone, wallMs);
  if (resolved.kind === 'normal') return resolved.instant;
  if (resolved.kind === 'gap') return resolved.firstInstantAfter;
  return resolved.first;
}

/** A change of a zone's offset: `instant` is the first instant of the new offset. */
export interface OffsetTransition {
  instant: number;
  offsetBeforeMs: number;
  offsetAfterMs: number;
}

/**
 * Lists the offset changes of `timezone` in (fromMs, toMs]. Sampling every 12 hours assumes no
 * zone changes its offset twice within 12 hours, which holds for every zone in use today.
 */
export function offsetTransitions(
  timezone: string,
  fromMs: number,
  toMs: number,
): OffsetTransition[] {
  const stepMs = DAY_MS / 2;
  const transitions: OffsetTransition[] = [];
  let cursor = fromMs;
  let offset = offsetMsAt(timezone, cursor);
  while (cursor < toMs) {
    const next = Math.min(cursor + stepMs, toMs);
    const nextOffset = offsetMsAt(timezone, next);
    if (nextOffset !== offset) {
      const instant = findTransition(timezone, cursor, next);
      transitions.push({ instant, offsetBeforeMs: offset, offsetAfterMs: nextOffset });
    }
    cursor = next;
    offset = nextOffset;
  }
  return transitions;
}

export const WALL_MINUTE_MS = MINUTE_MS;
export const WALL_DAY_MS = DAY_MS;
