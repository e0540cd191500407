import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionOptions, DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { repeatedFailureLog, workerErrorLog } from '../logger.js';
import type { StoredMonitor } from '../store/codec.js';
import type { Keys } from '../store/keys.js';
import type { MonitorStore } from '../store/monitors.js';
import { redisFailureKind } from '../store/redis-errors.js';
import {
  DEADLINE_LEAD_MS,
  DEADLINE_QUEUE,
  type DeadlineJobData,
  type Deadlines,
  deadlineTarget,
} from './deadlines.js';
import type { IngestHeartbeat } from './ingest-heartbeat.js';
import type { MonitorEvents } from './monitor-events.js';
import { RearmLane } from './rearm-lane.js';
import { JobTracker, WORKER_RETRY_DELAY_MS, workerLockOptions } from './redis-retry.js';

// While no web process can take pings, deadlines are checked again after this many heartbeat
// intervals (10 s with the default threshold).
const INGEST_DOWN_RECHECK_BEATS = 2;

// A job that failed because Redis could not be reached runs again once the store's connection is
// ready, or after this many ms when no connection was given or it is ready (a command timed out).
const UNAVAILABLE_RETRY_MS = 1000;

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
   * Jobs run at once. Default 2,000: a job spends its lead waiting for its fire time and, in a
   * burst (every job of a daily cron at 02:00), its end waiting for the burst's other alerts.
   * Each running job mostly waits, on a timer, Redis or the chat API.
   */
  concurrency?: number;
  /** BullMQ lock duration, in ms (`workerLockOptions`). Default 5,000. */
  lockMs?: number;
  /**
   * The store's Redis connection. A job that fails because Redis cannot be reached runs again
   * in this worker as soon as the connection is ready, instead of failing.
   */
  redis?: Redis;
  /**
   * The maximum time a job's re-arm and its end wait for the alerts of other jobs, in ms.
   * Default 5,000. With 0, neither waits.
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
  /**
   * Jobs that wait for the end of a burst keep their places among the running jobs. With this
   * many running, the waits end, so that they never keep a due job from starting.
   */
  private readonly crowdedAt: number;
  // Without Redis every held re-arm fails alike. The sweep's line for each repair names its monitor.
  private readonly rearmFailed: (error: unknown) => void;
  private readonly retryLogged: (error: unknown) => void;
  /** The wait that jobs share until Redis can be reached again; null while none waits. */
  private redisBack: { promise: Promise<void>; end: () => void } | null = null;
  private closing = false;

  constructor(private readonly options: DeadlineWorkerOptions) {
    this.rearmFailed = repeatedFailureLog(
      options.logger,
      'warn',
      'deadline not re-armed; the sweep re-arms it',
    );
    this.retryLogged = repeatedFailureLog(
      options.logger,
      'warn',
      'deadline check failed without Redis; it runs again once Redis is back',
    );
    const concurrency = options.concurrency ?? 2000;
    this.crowdedAt = concurrency - Math.ceil(concurrency / 10);
    this.lane = new RearmLane({
      maxWaitMs: options.rearmMaxWaitMs,
      clock: options.clock,
    });
    this.worker = new Worker<DeadlineJobData>(
      DEADLINE_QUEUE,
      (job, token) => {
        // The job that starts here is not in the tracker yet.
        if (this.jobs.size + 1 >= this.crowdedAt) this.lane.endBurst();
        return this.jobs.track(this.run(job, token));
      },
      {
        connection: options.connection,
        prefix: options.keys.queuePrefix(),
        concurrency,
        ...workerLockOptions(options.lockMs),
        runRetryDelay: WORKER_RETRY_DELAY_MS,
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

  /**
   * Runs a job, and runs it again while it fails because Redis cannot be reached. A job of the
   * last second before its deadline has left BullMQ's delayed set: without this, an outage
   * in that second failed it, and only the sweep, half a minute later, raised its alert.
   */
  private async run(job: Job<DeadlineJobData>, token?: string): Promise<'stale' | 'checked'> {
    for (;;) {
      try {
        return await this.process(job, token);
      } catch (error) {
        if (this.closing || redisFailureKind(error) !== 'unavailable') throw error;
        this.retryLogged(error);
        await this.untilRedisBack();
        if (this.closing) throw error;
      }
    }
  }

  /**
   * Resolves once the store's connection is ready again, or after `UNAVAILABLE_RETRY_MS`, or
   * at `close`. All waiting jobs share one wait.
   */
  private untilRedisBack(): Promise<void> {
    if (this.redisBack) return this.redisBack.promise;
    const { redis } = this.options;
    let resolve = () => {};
    const promise = new Promise<void>((settle) => {
      resolve = settle;
    });
    const end = () => {
      clearTimeout(timer);
      redis?.off('ready', end);
      if (this.redisBack?.promise === promise) this.redisBack = null;
      resolve();
    };
    const timer = setTimeout(end, UNAVAILABLE_RETRY_MS);
    if (redis && redis.status !== 'ready') redis.once('ready', end);
    this.redisBack = { promise, end };
    return promise;
  }

  /**
   * Checks one deadline. The job starts `DEADLINE_LEAD_MS` before its fire time, reads its
   * monitor, and waits for the fire time. Once the job's alert, if any, is out, it hands its
   * re-arm to the lane and waits until no other job is before its chat call.
   */
  private async process(job: Job<DeadlineJobData>, token?: string): Promise<'stale' | 'checked'> {
    const target = deadlineTarget(job.id, job.data);
    if (target === null) {
      throw new Error(
        `invalid deadline job ${job.id}: its data has no monitorId and fireAt, and its id ` +
          'is not <monitor id>-<fire time in base 36>',
      );
    }
    const { monitorId, fireAt } = target;
    const { store, events, clock } = this.options;
    if (target.silenceEnd) {
      await events.apply(monitorId, { type: 'silence_expired' });
      return 'checked';
    }

    // A job that starts before its lead (added by a producer whose clock is behind) waits under
    // its own id: re-adding that id while the job runs would be ignored by BullMQ.
    const startAt = fireAt - DEADLINE_LEAD_MS;
    if (clock() < startAt && token !== undefined) {
      await job.moveToDelayed(startAt, token);
      throw new DelayedError();
    }
    const stored = await store.get(monitorId);
    if (!stored || stored.armedAt !== fireAt) return 'stale';
    await this.untilFireTime(fireAt);
    const leave = this.lane.enter();
    try {
      return await this.check(monitorId, fireAt, stored, job.id, leave);
    } finally {
      leave();
    }
  }

  /**
   * Waits until the clock reaches `fireAt`, for at most the lead and a second more of real time,
   * so that a frozen clock (in a test) cannot keep the job waiting.
   */
  private async untilFireTime(fireAt: number): Promise<void> {
    const giveUpAt = performance.now() + DEADLINE_LEAD_MS + 1000;
    let waitMs = fireAt - this.options.clock();
    while (waitMs > 0 && performance.now() < giveUpAt) {
      await sleep(Math.min(waitMs, DEADLINE_LEAD_MS));
      waitMs = fireAt - this.options.clock();
    }
  }

  /**
   * Applies the deadline to the monitor as the job read it before its fire time. A ping since
   * then fails the compare-and-set, and the event applies again to the monitor as it is now.
   */
  private async check(
    monitorId: string,
    fireAt: number,
    stored: StoredMonitor,
    jobId: string | undefined,
    leave: () => void,
  ): Promise<'stale' | 'checked'> {
    const { events, deadlines, heartbeat, clock } = this.options;
    const now = clock();
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
      { stored, fromDeadlineJob: true, armedAt: fireAt },
    );
    if (result.status === 'not_found') return 'stale';
    this.lane.add(() => this.rearmLater(monitorId, fireAt));
    leave();
    if (result.transition.changed) {
      // One line per alert, because a first message that this job posted is not logged again.
      const { state, incident } = result.monitor;
      const fields = { monitorId, state, incidentId: incident?.id, jobId };
      this.options.logger.info({ ...fields, alertPosted: result.alertPosted }, 'deadline passed');
    }
    // BullMQ's script that ends the job (about 60 µs of Redis time, measured with SLOWLOG) waits
    // until the burst's alerts are out, as the re-arm does.
    if (this.jobs.size < this.crowdedAt) await this.lane.burstOver();
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
    this.closing = true;
    this.redisBack?.end();
    await this.jobs.stopWorker(this.worker);
    await this.lane.drain();
  }
}
