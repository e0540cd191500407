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

  async changeStored(change: StoredChange): Promise<void> {
    const { after } = change;
    try {
      const entry = changeEntry(change);
      if (entry !== null) await this.options.store.writeChanges(after.teamId, [entry], change.now);
      if (this.options.onTeamSeen && !this.teamsSeen.has(after.teamId)) {
        await this.options.onTeamSeen(after.teamId);
        this.teamsSeen.add(after.teamId);
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
