import { localFields, offsetMsAt } from '../../domain/local-time.js';
import { clock, MONTH_NAMES, WEEKDAY_NAMES } from './words.js';

/** Formats a UTC offset as `+02:00`, `-04:00` or `+05:30`. */
export function formatOffset(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${clock(Math.floor(minutes / 60), minutes % 60)}`;
}

/**
 * Formats an instant as a clock in `timezone` shows it, with the offset so that the two passes
 * of a repeated hour differ: `Mon 16 Jun 2025 00:00 +02:00`.
 */
export function formatLocalTime(instantMs: number, timezone: string): string {
  const local = localFields(timezone, instantMs);
  const weekday = WEEKDAY_NAMES[local.weekday]!.slice(0, 3);
  const month = MONTH_NAMES[local.month - 1]!.slice(0, 3);
  const offset = formatOffset(offsetMsAt(timezone, instantMs));
  // Seconds only when there are some, so that runs of a sub-minute interval stay apart.
  const seconds = local.second === 0 ? '' : `:${String(local.second).padStart(2, '0')}`;
  const time = `${clock(local.hour, local.minute)}${seconds}`;
  return `${weekday} ${local.day} ${month} ${local.year} ${time} ${offset}`;
}
