import type { Logger } from 'pino';
import type { MonitorStore } from '../store/monitors.js';
import { Deadlines, fireTimeFor } from './deadlines.js';
import type { MonitorEvents } from './monitor-events.js';

export interface SweepOptions {
  store: MonitorStore;
  deadlines: Deadlines;
  events: MonitorEvents;
  logger: Logger;
  clock: () => number;
  /** How long past its fire time a deadline job may be before the sweep repairs it. */
  overdueMs?: number;
}

/**
 * Repairs what a crash or a stuck worker can leave behind: deadline jobs that are missing or
 * overdue, monitors whose deadline was never armed, and outboxes that were never drained.
 */
export class Sweep {
  private readonly overdueMs: number;

  constructor(private readonly options: SweepOptions) {
    this.overdueMs = options.overdueMs ?? 30_000;
  }

  /** Checks the deadline jobs that should have fired by now; returns how many it repaired. */
  async repairOverdue(): Promise<number> {
    const { store, deadlines, logger, clock } = this.options;
    const now = clock();
    let repaired = 0;
    const overdueBefore = now - this.overdueMs;
    for (const monitorId of await store.armedBefore(overdueBefore, 500)) {
      const stored = await store.get(monitorId);
      // A re-arm since the armed set was read (one that the worker held during a burst, say)
      // moved the fire time, and the job of the new one is not overdue.
      if (!stored || stored.armedAt === null || stored.armedAt > overdueBefore) continue;
      const fireAt = stored.armedAt;
      const job = await deadlines.queue.getJob(Deadlines.jobId(monitorId, fireAt));
      const state = job ? await job.getState() : 'missing';
      if (state === 'active' || state === 'waiting' || state === 'prioritized') continue;
      if (state === 'delayed' && job) {
        await job.promote();
      } else {
        if (job) await job.remove();
        await deadlines.addJob(monitorId, fireAt, now);
      }
      repaired++;
      logger.warn(
        { monitorId, state, overdueMs: now - fireAt },
        'sweep repaired an overdue deadline',
      );
    }
    return repaired;
  }

  /** Queues deliveries that a crash left in monitors' outboxes; returns how many outboxes. */
  async drainOutboxes(): Promise<number> {
    const ids = await this.options.store.pendingOutboxes(100);
    for (const monitorId of ids) await this.options.events.drainOutbox(monitorId);
    return ids.length;
  }

  /**
   * Walks every monitor record and arms those whose deadline has no job, as after a crash
   * between a write and its arming, or a Redis that lost BullMQ's keys. Run at start. Also
   * deletes the set of monitor ids that earlier versions kept for this walk.
   */
  async rebuildAll(): Promise<number> {
    const { store, deadlines, logger, clock } = this.options;
    if (await store.deleteLegacyMonitorSet()) {
      logger.info('deleted the set of monitor ids that earlier versions kept');
    }
    let cursor = '0';
    let armed = 0;
    do {
      // COUNT is in keys visited, not ids returned, and most keys of a large store are not
      // monitor records but BullMQ jobs, indexes and histories.
      const [next, ids] = await store.scanIds(cursor, 1000);
      cursor = next;
      // One MGET for the page's records and one pipeline for their jobs, instead of two round
      // trips per monitor: with a million monitors that took minutes at every start.
      const records = await store.getMany(ids);
      const armedJobs = records.flatMap((stored, i) =>
        stored?.armedAt != null && stored.monitor.dueAt !== null
          ? [{ monitorId: ids[i]!, fireAt: stored.armedAt }]
          : [],
      );
      const present = await deadlines.jobsExist(armedJobs);
      for (const [i, stored] of records.entries()) {
        if (!stored || stored.monitor.dueAt === null) continue;
        const monitorId = ids[i]!;
        const fireAt = fireTimeFor(stored.monitor.dueAt)!;
        const jobExists =
          stored.armedAt !== null && present.has(Deadlines.jobId(monitorId, stored.armedAt));
        if (jobExists && stored.armedAt! <= fireAt) continue;
        if (await store.setArmed(monitorId, stored.armedAt, fireAt)) {
          await deadlines.addJob(monitorId, fireAt, clock());
          armed++;
        }
      }
    } while (cursor !== '0');
    if (armed > 0) logger.warn({ armed }, 'rebuilt deadline jobs that were missing');
    return armed;
  }

  async runOnce(): Promise<void> {
    await this.repairOverdue();
    await this.drainOutboxes();
  }
}
