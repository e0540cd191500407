import type { Schedule } from '../../domain/types.js';

/** What a phrase is read against: the zone to read local times in, and the current time. */
export interface LanguageContext {
  timezone: string;
  now: number;
}

/** Another reading of a phrase that a warning explains, and the text that gives it. */
export interface Alternative {
  /** The reading in a few words, such as "Irish time" or "21:00". */
  meaning: string;
  /** The whole text that gives the reading, such as the user's schedule with another zone. */
  text: string;
}

export interface ParsedSchedule {
  schedule: Schedule;
  /** The schedule in plain words, such as "every 15 minutes". */
  description: string;
  /** How an ambiguous or surprising phrase was read, each a sentence. */
  warnings: string[];
  /** Other readings the warnings name, each with a whole schedule text that parses. */
  alternatives: Alternative[];
}

export interface ParsedUntil {
  until: number;
  description: string;
  warnings: string[];
  /** Other readings the warnings name, each with a whole text for the end that parses. */
  alternatives: Alternative[];
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
  /**
   * Other readings that the schedule's warnings name, each with a whole text after the name
   * that parses. `schedule.alternatives` gives the schedule alone.
   */
  alternatives: Alternative[];
}
