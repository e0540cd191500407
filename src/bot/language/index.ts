// The plain-language front of Drumbeat: schedules, durations and times as people type them.
// Nothing here knows about Slack or Discord, so every front end shares one grammar.

export { parseDuration } from './duration.js';
export { parseMonitorSpec } from './monitor-spec.js';
export { describeSchedule, parseSchedule } from './schedule.js';
export type { LanguageContext, MonitorSpec, ParsedSchedule, ParsedUntil } from './types.js';
export { parseUntil } from './until.js';
