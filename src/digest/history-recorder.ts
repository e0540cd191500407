import type { Logger } from 'pino';
import type { ChangeListener, StoredChange } from '../scheduler/monitor-events.js';
import type { HistoryStore } from './history-store.js';
import { historyWrite } from './history-updates.js';

export interface HistoryRecorderOptions {
  store: HistoryStore;
  logger: Logger;
  /** Called once per process for each team with a stored change, so its digest gets scheduled. */
  onTeamSeen?: (teamId: string) => Promise<void>;
}

/**
 * Writes the digest history of every change that `MonitorEvents.apply` stores. The write comes
 * after the monitor's own write, so a crash between the two loses that one entry of history.
 * A failed write is logged and never fails the change itself.
 */
export class HistoryRecorder implements ChangeListener {
  private readonly teamsSeen = new Set<string>();

  constructor(private readonly options: HistoryRecorderOptions) {}

  async changeStored(change: StoredChange): Promise<void> {
    const { after } = change;
    try {
      await this.options.store.write(after.id, after.teamId, historyWrite(change), change.now);
      if (this.options.onTeamSeen && !this.teamsSeen.has(after.teamId)) {
        await this.options.onTeamSeen(after.teamId);
        this.teamsSeen.add(after.teamId);
      }
    } catch (error) {
      this.options.logger.warn(
        { err: error, monitorId: after.id, teamId: after.teamId, event: change.event.type },
        'digest history not written',
      );
    }
  }
}
