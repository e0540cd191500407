import { type ConnectionOptions, DelayedError, type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { repeatedFailureLog, workerErrorLog } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { MonitorStore } from '../store/monitors.js';
import {
  DEADLINE_QUEUE,
  type DeadlineJobData,
  type Deadlines,
  deadlineTarget,
} from './deadlines.js';
import type { IngestHeartbeat } from './ingest-heartbeat.js';
import type { MonitorEvents } from './monitor-events.js';
import { RearmLane } from './rearm-lane.js';
import { JobTracker, WORKER_RETRY_DELAY_MS } from './redis-retry.js';

// While no web process can take pings, deadlines are checked again after this many heartbeat
// intervals (10 s with the default threshold).
const INGEST_DOWN_RECHECK_BEATS = 2;

export interface DeadlineWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  store: MonitorStore;
  deadlines: Deadlines;
  events: MonitorEvents;
  heartbeat: IngestHeartbeat;
  logger: Logger;
  clock: () => number;
  /**
   * Jobs run at once. Default 100: each mostly waits on Redis, and deadlines that pass together
   * (every job of a daily cron at 02:00) should not wait in line for long.
   */
  concurrency?: number;
  /** BullMQ lock duration and stalled-check interval, in ms. Default 30,000. */
  lockMs?: number;
  /**
   * The maximum time a job's re-arm waits for the alerts of other jobs, in ms. Default 5,000.
   * With 0, each re-arm runs as soon as its job hands it over.
   */
  rearmMaxWaitMs?: number;
}

/**
 * Runs deadline jobs. A job whose fire time is no longer the monitor's `armedAt` lost a race
 * to a newer deadline and returns without doing anything; that is the normal case, not an
 * error. Otherwise the state machine decides, with compare-and-set against concurrent pings.
 */
export class DeadlineWorker {
  readonly worker: Worker<DeadlineJobData>;
  private readonly jobs = new JobTracker();
  private readonly lane: RearmLane;
  // Without Redis every held re-arm fails alike. The sweep's line for each repair names its monitor.
  private readonly rearmFailed: (error: unknown) => void;

  constructor(private readonly options: DeadlineWorkerOptions) {
    this.rearmFailed = repeatedFailureLog(
      options.logger,
      'warn',
      'deadline not re-armed; the sweep re-arms it',
    );
    const concurrency = options.concurrency ?? 100;
    this.lane = new RearmLane({
      concurrency,
      maxWaitMs: options.rearmMaxWaitMs,
      clock: options.clock,
    });
    this.worker = new Worker<DeadlineJobData>(
      DEADLINE_QUEUE,
      (job, token) => this.jobs.track(this.run(job, token)),
      {
        connection: options.connection,
        prefix: options.keys.queuePrefix(),
        concurrency,
        lockDuration: options.lockMs ?? 30_000,
        runRetryDelay: WORKER_RETRY_DELAY_MS,
        stalledInterval: options.lockMs ?? 30_000,
        // Set here, not per job: per-job options make every delayed job larger in Redis.
        removeOnComplete: { count: 0 },
        removeOnFail: { age: 86_400 },
      },
    );
    this.worker.on('failed', (job, error) => {
      const monitorId = job ? deadlineTarget(job.id, job.data)?.monitorId : undefined;
      options.logger.error({ jobId: job?.id, monitorId, err: error }, 'deadline job failed');
    });
    this.worker.on('error', workerErrorLog(options.logger, 'deadline worker error'));
  }

  /** Runs a job as busy in the lane until it hands its re-arm over, or ends. */
  private async run(job: Job<DeadlineJobData>, token?: string): Promise<'stale' | 'checked'> {
    const leave = this.lane.enter();
    try {
      return await this.process(job, token, leave);
    } finally {
      leave();
    }
  }

  /**
   * Checks one deadline. Once the job's alert, if any, is out, the job calls `leave` and hands
   * its re-arm to the lane instead of waiting for it.
   */
  async process(
    job: Job<DeadlineJobData>,
    token?: string,
    leave: () => void = () => {},
  ): Promise<'stale' | 'checked'> {
    const target = deadlineTarget(job.id, job.data);
    if (target === null) {
      throw new Error(
        `invalid deadline job ${job.id}: its data has no monitorId and fireAt, and its id ` +
          'is not <monitor id>-<fire time in base 36>',
      );
    }
    const { monitorId, fireAt } = target;
    const { store, events, deadlines, heartbeat, clock } = this.options;
    if (target.silenceEnd) {
      await events.apply(monitorId, { type: 'silence_expired' });
      return 'checked';
    }

    // A job that runs before its fire time (added by a producer whose clock is behind) waits
    // under its own id: re-adding that id while the job runs would be ignored by BullMQ.
    const now = clock();
    if (now < fireAt && token !== undefined) {
      await job.moveToDelayed(fireAt, token);
      throw new DelayedError();
    }
    const stored = await store.get(monitorId);
    if (!stored || stored.armedAt !== fireAt) return 'stale';

    const ingest = await heartbeat.status();
    if (heartbeat.inGap(ingest, now)) {
      // No web process may take pings, so a missing ping is no sign of a failed job yet. With no
      // beat ever recorded (workers used without the web role) there is nothing to go by.
      const recheckAt = now + INGEST_DOWN_RECHECK_BEATS * heartbeat.intervalMs;
      await deadlines.rearmAt(monitorId, fireAt, recheckAt, now);
      return 'checked';
    }
    // A deadline that passed during a gap, or soon after, waits for the pings that jobs retry
    // after a refused connection (the curl line's retries span about 30 s).
    const holdUntil = heartbeat.holdUntil(ingest, stored.monitor.dueAt);
    if (holdUntil !== null && now < holdUntil) {
      await deadlines.rearmAt(monitorId, fireAt, holdUntil, now);
      return 'checked';
    }

    const result = await events.apply(
      monitorId,
      { type: 'deadline', ingestUpSince: ingest.upSince },
      { stored, fromDeadlineJob: true },
    );
    if (result.status === 'not_found') return 'stale';
    this.lane.add(() => this.rearmLater(monitorId, fireAt));
    leave();
    if (result.transition.changed) {
      // One line per alert, because a first message that this job posted is not logged again.
      const { state, incident } = result.monitor;
      const fields = { monitorId, state, incidentId: incident?.id, jobId: job.id };
      this.options.logger.info({ ...fields, alertPosted: result.alertPosted }, 'deadline passed');
    }
    return 'checked';
  }

  /**
   * Re-arms the monitor of the job that fired at `fireAt` for its deadline as it is now, which
   * a write since the job may have moved. Does nothing when that write armed the monitor itself.
   */
  private async rearmLater(monitorId: string, fireAt: number): Promise<void> {
    const { store, deadlines, clock } = this.options;
    try {
      const stored = await store.get(monitorId);
      if (!stored || stored.armedAt !== fireAt) return;
      await deadlines.rearm(monitorId, fireAt, stored.monitor.dueAt, clock());
    } catch (error) {
      // The armed fire time stays in the past with no job behind it, which the sweep repairs.
      this.rearmFailed(error);
    }
  }

  /** Stops taking jobs, waits for the running ones, then runs the re-arms they handed over. */
  async close(): Promise<void> {
    await this.jobs.stopWorker(this.worker);
    await this.lane.drain();
  }
}
