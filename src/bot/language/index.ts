// The plain-language front of Drumbeat: schedules, durations and times as people type them.
// Nothing here knows about Slack or Discord, so every front end shares one grammar.

export { parseDuration } from './duration.js';
export { formatLocalTime, formatOffset } from './format.js';
export { isMonitorSpec, parseMonitorSpec, withOptionReplaced } from './monitor-spec.js';
export {
  describeSchedule,
  MAX_PERIOD_SECONDS,
  MIN_PERIOD_SECONDS,
  parseSchedule,
} from './schedule.js';
export { assertTimezone } from './timezone.js';
export type {
  Alternative,
  LanguageContext,
  MonitorSpec,
  ParsedSchedule,
  ParsedUntil,
} from './types.js';
export { MAX_SILENCE_MS, parseUntil } from './until.js';
