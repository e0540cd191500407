// Redis keys of the digest history, beside the store's own. The keys of one monitor carry its id
// as a hash tag, and those of one team its team id, as the store's keys do.

export class DigestKeys {
  constructor(readonly prefix: string) {}

  /** Counters of one UTC day of a monitor, one hash field per 15-minute slot and counter. */
  monitorDay(monitorId: string, day: number): string {
    return `${this.prefix}:m:{${monitorId}}:history:${day}`;
  }
  /** A sample of the run times that ended on one UTC day, `<runAt>:<durationMs>` each. */
  monitorDayRuns(monitorId: string, day: number): string {
    return `${this.prefix}:m:{${monitorId}}:history:${day}:runs`;
  }
  /** Sorted set of a team's changes (pauses, silences, deletions) by time. */
  teamChanges(teamId: string): string {
    return `${this.prefix}:team:{${teamId}}:digest-changes`;
  }
  /** The team's digest schedule, JSON; absent means the default. */
  teamSchedule(teamId: string): string {
    return `${this.prefix}:team:{${teamId}}:digest-schedule`;
  }
  /** Set once the digest of a channel for a period is posted. */
  posted(teamId: string, digestKey: string): string {
    return `${this.prefix}:team:{${teamId}}:digest-posted:${digestKey}`;
  }
  /** Held while one worker posts a digest. */
  postingLock(teamId: string, digestKey: string): string {
    return `${this.prefix}:team:{${teamId}}:digest-lock:${digestKey}`;
  }
  /** Set before the first attempt to post a digest, so that a retry can tell it may exist. */
  postAttempt(teamId: string, digestKey: string): string {
    return `${this.prefix}:team:{${teamId}}:digest-attempt:${digestKey}`;
  }
  /** Set of every team that has had a monitor, so the digest scheduler can find them. */
  teams(): string {
    return `${this.prefix}:digest-teams`;
  }
}
