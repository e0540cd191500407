import type { Logger } from 'pino';
import type { ChangeListener, StoredChange } from '../scheduler/monitor-events.js';
import type { CounterWrites } from '../store/counter-writes.js';
import type { HistoryStore } from './history-store.js';
import { changeEntry, historyWrite } from './history-updates.js';

export interface HistoryRecorderOptions {
  store: HistoryStore;
  logger: Logger;
  /** Called once per process for each team with a stored change, so its digest gets scheduled. */
  onTeamSeen?: (teamId: string) => Promise<void>;
}

/**
 * Keeps the digest history of every change that `MonitorEvents.apply` stores. The counters and
 * run times go into the monitor's compare-and-set, so they are stored in the same step as the
 * change or not at all. The team's change log is written after it, so a crash in between loses
 * that one entry (a pause, a silence). A failure here is logged and does not fail the change.
 */
export class HistoryRecorder implements ChangeListener {
  private readonly teamsSeen = new Set<string>();

  constructor(private readonly options: HistoryRecorderOptions) {}

  writesFor(change: StoredChange): CounterWrites | null {
    try {
      return this.options.store.counterWrites(change.after.id, historyWrite(change), change.now);
    } catch (error) {
      this.logFailure(change, error);
      return null;
    }
  }

  changeStored(change: StoredChange): Promise<void> | undefined {
    const { after } = change;
    let entry: ReturnType<typeof changeEntry>;
    try {
      entry = changeEntry(change);
    } catch (error) {
      this.logFailure(change, error);
      return undefined;
    }
    const teamIsNew = this.options.onTeamSeen !== undefined && !this.teamsSeen.has(after.teamId);
    // Most changes, such as pings, add no entry to the change log, and return without a promise.
    if (entry === null && !teamIsNew) return undefined;
    return this.storeChange(change, entry, teamIsNew);
  }

  private async storeChange(
    change: StoredChange,
    entry: ReturnType<typeof changeEntry>,
    teamIsNew: boolean,
  ): Promise<void> {
    const { teamId } = change.after;
    try {
      if (entry !== null) await this.options.store.writeChanges(teamId, [entry], change.now);
      if (teamIsNew && this.options.onTeamSeen && !this.teamsSeen.has(teamId)) {
        // Marked first, so that the changes of one burst call it once. A failure unmarks it.
        this.teamsSeen.add(teamId);
        await this.options.onTeamSeen(teamId).catch((error: unknown) => {
          this.teamsSeen.delete(teamId);
          throw error;
        });
      }
    } catch (error) {
      this.logFailure(change, error);
    }
  }

  private logFailure(change: StoredChange, error: unknown): void {
    const { after, event } = change;
    this.options.logger.warn(
      { err: error, monitorId: after.id, teamId: after.teamId, event: event.type },
      'digest history not written',
    );
  }
}
