import { type ConnectionOptions, Job, type JobProgress, type JobsOptions, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Keys } from '../store/keys.js';
import type { MonitorStore } from '../store/monitors.js';

export const DEADLINE_QUEUE = 'deadlines';
/** The name of deadline jobs. The worker goes by a job's data and id, never by its name. */
export const DEADLINE_JOB_NAME = 'deadline';

/**
 * The data of a job in the deadline queue. A deadline job stores `{}`, because its id contains
 * the monitor id and the fire time, and the two in the data took 64 more bytes of Redis per
 * job (MEMORY USAGE, Redis 7.0). Deadline jobs added by earlier versions, and the jobs that
 * end a silence, carry both here.
 */
export interface DeadlineJobData {
  monitorId?: string;
  /** The time this job was scheduled to fire, epoch ms; also the monitor's `armedAt`. */
  fireAt?: number;
  /** Set on the job that ends a silence, which fires at the silence's end instead. */
  silenceEnd?: true;
}

/** The monitor and fire time of a job in the deadline queue, from its data or else its id. */
export interface DeadlineTarget {
  monitorId: string;
  /** The time the job was scheduled to fire, epoch ms. */
  fireAt: number;
  /** True for the job that ends a silence. */
  silenceEnd: boolean;
}

/**
 * Returns the target of a deadline queue job: from its data when the data has the monitor id
 * and fire time, or else from a job id that `Deadlines.jobId` made. Null when neither does.
 */
export function deadlineTarget(
  jobId: string | undefined,
  data: DeadlineJobData,
): DeadlineTarget | null {
  if (typeof data.monitorId === 'string' && typeof data.fireAt === 'number') {
    return { monitorId: data.monitorId, fireAt: data.fireAt, silenceEnd: data.silenceEnd === true };
  }
  const parsed = jobId === undefined ? null : Deadlines.parseJobId(jobId);
  return parsed === null ? null : { ...parsed, silenceEnd: false };
}

/**
 * How long before its fire time a deadline job starts, in ms. In this time the worker takes the
 * job from BullMQ, reads its monitor and waits. So when a burst of deadlines passes (every job of
 * a daily cron at 02:00), only the state changes and the chat calls are left to do.
 */
export const DEADLINE_LEAD_MS = 1000;

/** The job fires 1 ms after the deadline, because a ping at the deadline itself is on time. */
export function fireTimeFor(dueAt: number | null): number | null {
  return dueAt === null ? null : dueAt + 1;
}

/**
 * A job that leaves its id out of the options it stores, because Redis has the id in the job's
 * key already. With the id in them, the options of a deadline job outgrow the 64 bytes of
 * Redis's compact hash encoding (`hash-max-listpack-value`), and the job takes about 680 bytes
 * instead of about 330. The timestamp is left out too: the job stores it in a field of its own.
 */
class JobWithoutStoredId<
  DataType = unknown,
  ReturnType = unknown,
  NameType extends string = string,
  ProgressType extends JobProgress = JobProgress,
> extends Job<DataType, ReturnType, NameType, ProgressType> {
  constructor(
    queue: ConstructorParameters<typeof Job>[0],
    name: NameType,
    data: DataType,
    opts?: JobsOptions,
    id?: string,
  ) {
    super(queue, name, data, opts, id);
    delete this.opts.jobId;
    delete this.opts.timestamp;
  }
}

/** The deadline queue: a BullMQ queue whose jobs are stored without the id in their options. */
export class DeadlineQueue extends Queue<DeadlineJobData> {
  protected override get Job(): typeof Job {
    return JobWithoutStoredId;
  }
}

/**
 * One BullMQ delayed job per monitor deadline. The job id carries the fire time
 * (`<monitorId>-<fireAt in base 36>`) because BullMQ silently ignores an add whose id exists,
 * and the monitor record stores that fire time as `armedAt`. A job whose fire time is no longer the
 * monitor's `armedAt` is stale and does nothing.
 *
 * Pings only ever need to move a deadline later, and then nothing is rescheduled: the armed
 * job fires at the old time, finds the later deadline and re-arms itself. Only a deadline that
 * moves earlier (a start with a short maximum run time, a first ping) adds a job.
 */
export class Deadlines {
  readonly queue: DeadlineQueue;

  constructor(
    connection: ConnectionOptions,
    keys: Keys,
    private readonly store: MonitorStore,
    private readonly logger: Logger,
  ) {
    this.queue = new DeadlineQueue(DEADLINE_QUEUE, {
      connection,
      prefix: keys.queuePrefix(),
    });
  }

  /**
   * The id of the job that fires at `fireAt` (epoch ms). Base 36 keeps the id at 25 characters,
   * which saves about 24 bytes of Redis per monitor in the job's key and the delayed set.
   */
  static jobId(monitorId: string, fireAt: number): string {
    return `${monitorId}-${fireAt.toString(36)}`;
  }

  /** Parses the monitor id and fire time out of a `jobId`. Returns null for any other id. */
  static parseJobId(jobId: string): { monitorId: string; fireAt: number } | null {
    const dash = jobId.lastIndexOf('-');
    if (dash <= 0) return null;
    const monitorId = jobId.slice(0, dash);
    const fireAt = Number.parseInt(jobId.slice(dash + 1), 36);
    // The round trip rejects what parseInt lets through: trailing junk, signs, leading zeros.
    if (!Number.isSafeInteger(fireAt) || Deadlines.jobId(monitorId, fireAt) !== jobId) return null;
    return { monitorId, fireAt };
  }

  /**
   * Returns whether a job armed for `armedAt` fires no later than the deadline `dueAt`, and
   * after `now`. A job whose fire time has passed has run or is running, and its re-arm may have
   * read the monitor before the write that the caller is arming for.
   */
  static armedInTime(armedAt: number | null, dueAt: number | null, now: number): boolean {
    const fireAt = fireTimeFor(dueAt);
    return fireAt === null || (armedAt !== null && armedAt <= fireAt && armedAt > now);
  }

  /**
   * Makes sure a job fires no later than the monitor's deadline, after a write that may have
   * moved it. `knownArmedAt` is the fire time read with the monitor; it is re-read on a race.
   */
  async ensureArmed(
    monitorId: string,
    knownArmedAt: number | null,
    dueAt: number | null,
    now: number,
  ): Promise<void> {
    const fireAt = fireTimeFor(dueAt);
    let armedAt = knownArmedAt;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (fireAt === null || Deadlines.armedInTime(armedAt, dueAt, now)) return;
      if (await this.store.setArmed(monitorId, armedAt, fireAt)) {
        await this.addJob(monitorId, fireAt, now);
        if (armedAt !== null) await this.removeJob(monitorId, armedAt);
        return;
      }
      const stored = await this.store.get(monitorId);
      if (!stored) return;
      armedAt = stored.armedAt;
    }
    this.logger.warn({ monitorId }, 'deadline kept moving while arming; the sweep re-checks it');
  }

  /** Re-arms from inside the job that fired at `jobFireAt`, for the monitor's next deadline. */
  async rearm(
    monitorId: string,
    jobFireAt: number,
    dueAt: number | null,
    now: number,
  ): Promise<void> {
    const fireAt = fireTimeFor(dueAt);
    if (!(await this.store.setArmed(monitorId, jobFireAt, fireAt))) return;
    if (fireAt !== null) await this.addJob(monitorId, fireAt, now);
  }

  /** Re-arms from inside a job for an explicit fire time, to check again later. */
  async rearmAt(monitorId: string, jobFireAt: number, fireAt: number, now: number): Promise<void> {
    if (await this.store.setArmed(monitorId, jobFireAt, fireAt))
      await this.addJob(monitorId, fireAt, now);
  }

  /**
   * The name, data and options of a deadline job, as `addJob` adds it and bulk loads copy it.
   * The data is empty, since the id contains the monitor id and the fire time.
   *
   * BullMQ starts a delayed job at its timestamp plus its delay: `DEADLINE_LEAD_MS` before
   * `fireAt`, and the worker waits out the rest. The timestamp is `now`, not the clock when the
   * job is made, so a job added late (after a round trip) still starts on time.
   */
  static jobFor(monitorId: string, fireAt: number, now: number) {
    const data: DeadlineJobData = {};
    return {
      name: DEADLINE_JOB_NAME,
      data,
      opts: {
        jobId: Deadlines.jobId(monitorId, fireAt),
        delay: Math.max(0, fireAt - DEADLINE_LEAD_MS - now),
        timestamp: now,
      },
    };
  }

  /** Returns the ids of those of `jobs` whose deadline job is in Redis, in one round trip. */
  async jobsExist(jobs: readonly { monitorId: string; fireAt: number }[]): Promise<Set<string>> {
    const ids = jobs.map(({ monitorId, fireAt }) => Deadlines.jobId(monitorId, fireAt));
    const exist = await this.store.keysExist(ids.map((id) => this.queue.toKey(id)));
    return new Set(ids.filter((_, i) => exist[i]));
  }

  async addJob(monitorId: string, fireAt: number, now: number): Promise<void> {
    const job = Deadlines.jobFor(monitorId, fireAt, now);
    await this.queue.add(job.name, job.data, job.opts);
  }

  /** Schedules the end of a silence, so that an incident held back by it is posted then. */
  async addSilenceEnd(monitorId: string, until: number, now: number): Promise<void> {
    await this.queue.add(
      'silence_end',
      { monitorId, fireAt: until, silenceEnd: true },
      { jobId: `silence-${monitorId}-${until}`, delay: Math.max(0, until - now), timestamp: now },
    );
  }

  async removeJob(monitorId: string, fireAt: number): Promise<void> {
    try {
      await this.queue.remove(Deadlines.jobId(monitorId, fireAt));
    } catch (error) {
      // A job that is running cannot be removed; it finds itself stale and does nothing.
      this.logger.debug({ monitorId, err: error }, 'stale deadline job not removed');
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
