import { DrumbeatError } from '../../domain/errors.js';
import { parseDuration } from './duration.js';
import { parseSchedule } from './schedule.js';
import { assertTimezone } from './timezone.js';
import type { LanguageContext, MonitorSpec } from './types.js';

// Options that may follow the schedule, each with the pattern of its value.
const OPTION_PATTERN =
  /\s+(grace|max\s+run\s*time|max-runtime|in|tz)\s+((?:<#[^>]+>)|#\S+|"[^"]*"|\S+(?:\s+(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))?)(?=\s|$)/gi;

/** Parses `<schedule> [grace D] [max runtime D] [in #channel] [tz zone]`. */
export function parseMonitorSpec(text: string, ctx: LanguageContext): MonitorSpec {
  const options = new Map<string, string>();
  const scheduleText = ` ${text}`
    .replace(OPTION_PATTERN, (_all, name: string, value: string) => {
      const key = name.toLowerCase().replace(/[\s-]+/g, '');
      if (options.has(key)) {
        throw new DrumbeatError('command_invalid', `The option "${name}" is given twice.`);
      }
      options.set(key, value);
      return ' ';
    })
    .trim();
  if (scheduleText.length === 0) {
    throw new DrumbeatError(
      'schedule_invalid',
      'The schedule is missing.',
      'new backup every 1 hour grace 10 minutes',
    );
  }
  const timezone = options.has('tz') ? assertTimezone(options.get('tz')!) : null;
  const schedule = parseSchedule(scheduleText, { ...ctx, timezone: timezone ?? ctx.timezone });
  const grace = options.get('grace');
  const maxRuntime = options.get('maxruntime');
  const channel = options.get('in');
  return {
    schedule,
    graceMs: grace === undefined ? null : parseDuration(grace),
    maxRuntimeMs: maxRuntime === undefined ? null : parseDuration(maxRuntime),
    channel: channel === undefined ? null : channel,
    timezone,
  };
}
