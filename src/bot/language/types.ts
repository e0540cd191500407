import type { Schedule } from '../../domain/types.js';

/** What a phrase is read against: the zone to read local times in, and the current time. */
export interface LanguageContext {
  timezone: string;
  now: number;
}

export interface ParsedSchedule {
  schedule: Schedule;
  /** The schedule in plain words, such as "every 15 minutes". */
  description: string;
  /** How an ambiguous or surprising phrase was read, each a sentence. */
  warnings: string[];
}

export interface ParsedUntil {
  until: number;
  description: string;
  warnings: string[];
}

/** Everything after the name in `new <name> …`. */
export interface MonitorSpec {
  schedule: ParsedSchedule;
  graceMs: number | null;
  maxRuntimeMs: number | null;
  /** A channel named with `in #channel`: its id when the platform sent one, else its name. */
  channel: string | null;
  /** A zone named with `tz <zone>`. */
  timezone: string | null;
}
