// Digests on a BullMQ job scheduler per team. The scheduler's next time comes from Drumbeat's own
// cron evaluator in the team's zone (so a DST change moves it as cron would) and from the
// injected clock, so tests can place "now" anywhere. Posting is idempotent per channel and
// period, so several workers, retries and restarts post each digest once.

import { type ConnectionOptions, type Job, Queue, type RepeatStrategy, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { formatTime } from '../bot/format.js';
import type { DigestSource } from '../digest/digest-source.js';
import type { DigestKeys } from '../digest/keys.js';
import { periodBefore } from '../digest/periods.js';
import { renderDigestPng } from '../digest/picture/render.js';
import type { DigestPublisher } from '../digest/publisher.js';
import { type DigestSchedule, digestCronPattern } from '../digest/schedule.js';
import type { DigestSettingsStore } from '../digest/settings-store.js';
import { digestView } from '../digest/view.js';
import { nextCronRun } from '../domain/cron.js';
import { PLATFORMS, type Platform } from '../domain/types.js';
import { workerErrorLog } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { TeamStore } from '../store/teams.js';
import { DeliveryError, type DigestNotifier } from './notifier.js';
import { JobTracker, WORKER_RETRY_DELAY_MS, workerLockOptions } from './redis-retry.js';

export const DIGEST_QUEUE = 'digests';

export interface DigestJobData {
  teamId: string;
}

/**
 * Computes a scheduler's next time with Drumbeat's cron rules. BullMQ passes real epoch ms. The
 * injected clock may differ from it by a fixed offset (in tests), so the time is shifted into
 * the clock's frame and back.
 */
export function digestRepeatStrategy(clock: () => number): RepeatStrategy {
  return (millis, opts) => {
    if (opts.pattern === undefined) return undefined;
    const offsetMs = clock() - Date.now();
    return nextCronRun(opts.pattern, opts.tz ?? 'UTC', millis + offsetMs) - offsetMs;
  };
}

export interface DigestSchedulerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  digestKeys: DigestKeys;
  redis: Redis;
  settings: DigestSettingsStore;
  teams: TeamStore;
  logger: Logger;
  clock: () => number;
}

interface DesiredSchedule {
  pattern: string;
  timezone: string;
}

const JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { age: 7 * 86_400 },
};

/** Keeps one job scheduler per team in step with its digest schedule and zone. */
export class DigestScheduler {
  readonly queue: Queue<DigestJobData>;

  constructor(private readonly options: DigestSchedulerOptions) {
    this.queue = new Queue<DigestJobData>(DIGEST_QUEUE, {
      connection: options.connection,
      prefix: options.keys.queuePrefix(),
      settings: { repeatStrategy: digestRepeatStrategy(options.clock) },
    });
  }

  static schedulerId(teamId: string): string {
    return `digest-${teamId}`;
  }

  private async desired(teamId: string): Promise<DesiredSchedule | null> {
    const pattern = digestCronPattern(await this.options.settings.get(teamId));
    if (pattern === null) return null;
    const timezone = (await this.options.teams.get(teamId)).timezone ?? 'UTC';
    return { pattern, timezone };
  }

  /** Registers a team with monitors; the first time, its digest is scheduled. */
  async ensureTeam(teamId: string): Promise<void> {
    const added = await this.options.redis.sadd(this.options.digestKeys.teams(), teamId);
    if (added === 1) await this.schedule(teamId);
  }

  /** Sets up, replaces or removes the team's job scheduler from its settings. */
  async schedule(teamId: string): Promise<void> {
    const id = DigestScheduler.schedulerId(teamId);
    const desired = await this.desired(teamId);
    if (desired === null) {
      await this.queue.removeJobScheduler(id);
      this.options.logger.info({ teamId }, 'digest turned off');
      return;
    }
    await this.queue.upsertJobScheduler(
      id,
      { pattern: desired.pattern, tz: desired.timezone },
      { name: 'digest', data: { teamId }, opts: JOB_OPTIONS },
    );
    this.options.logger.info({ teamId, ...desired }, 'digest scheduled');
  }

  /**
   * Schedules the team again when its scheduler is missing, has another pattern or zone, or comes
   * later than the schedule sets (the clock moved). One that is overdue is left alone, so that
   * a digest missed while no worker ran is still posted.
   */
  async syncTeam(teamId: string): Promise<void> {
    const desired = await this.desired(teamId);
    const current = await this.queue.getJobScheduler(DigestScheduler.schedulerId(teamId));
    if (desired === null) {
      if (current) await this.schedule(teamId);
      return;
    }
    const offsetMs = this.options.clock() - Date.now();
    const dueAt = nextCronRun(desired.pattern, desired.timezone, this.options.clock());
    const stale =
      !current ||
      current.pattern !== desired.pattern ||
      (current.tz ?? 'UTC') !== desired.timezone ||
      current.next === undefined ||
      current.next + offsetMs > dueAt;
    if (stale) await this.schedule(teamId);
  }

  /** Syncs every known team; one team's failure is logged and does not stop the others. */
  async syncAll(): Promise<void> {
    let cursor = '0';
    do {
      const [next, teamIds] = await this.options.redis.sscan(
        this.options.digestKeys.teams(),
        cursor,
        'COUNT',
        200,
      );
      cursor = next;
      for (const teamId of teamIds) {
        await this.syncTeam(teamId).catch((error) =>
          this.options.logger.error({ err: error, teamId }, 'digest schedule sync failed'),
        );
      }
    } while (cursor !== '0');
  }

  /** Returns the next time the team's digest is due, or null when it is off. */
  async nextDigestAt(teamId: string, afterMs: number): Promise<number | null> {
    const desired = await this.desired(teamId);
    return desired === null ? null : nextCronRun(desired.pattern, desired.timezone, afterMs);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface DigestWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  source: DigestSource;
  publisher: DigestPublisher;
  settings: DigestSettingsStore;
  teams: TeamStore;
  notifiers: Map<Platform, DigestNotifier>;
  fallback: DigestNotifier;
  logger: Logger;
  clock: () => number;
  /** BullMQ lock duration, in ms (`workerLockOptions`). Default 5,000. */
  lockMs?: number;
}

function platformOf(teamId: string): Platform {
  const prefix = teamId.slice(0, teamId.indexOf(':'));
  return (PLATFORMS as readonly string[]).includes(prefix) ? (prefix as Platform) : 'cli';
}

/** Posts the digests of a team when its scheduler fires. */
export class DigestWorker {
  readonly worker: Worker<DigestJobData>;
  private readonly jobs = new JobTracker();

  constructor(private readonly options: DigestWorkerOptions) {
    this.worker = new Worker<DigestJobData>(
      DIGEST_QUEUE,
      (job) => this.jobs.track(this.process(job)),
      {
        connection: options.connection,
        prefix: options.keys.queuePrefix(),
        concurrency: 2,
        ...workerLockOptions(options.lockMs),
        runRetryDelay: WORKER_RETRY_DELAY_MS,
        settings: { repeatStrategy: digestRepeatStrategy(options.clock) },
      },
    );
    this.worker.on('failed', (job, error) => {
      const fields = { jobId: job?.id, teamId: job?.data.teamId, err: error };
      options.logger.warn(fields, 'digest job failed');
    });
    this.worker.on('error', workerErrorLog(options.logger, 'digest worker error'));
  }

  /** Returns the time the job was scheduled for, in the clock's frame. */
  private scheduledAt(job: Job<DigestJobData>): number {
    const offsetMs = this.options.clock() - Date.now();
    return (job.opts.prevMillis ?? Date.now()) + offsetMs;
  }

  private async process(job: Job<DigestJobData>): Promise<void> {
    const { teamId } = job.data;
    const { settings, teams, source, clock } = this.options;
    const schedule: DigestSchedule = await settings.get(teamId);
    if (schedule.cadence === 'off') return;
    const timezone = (await teams.get(teamId)).timezone ?? 'UTC';
    const firedAtMs = this.scheduledAt(job);
    const period = periodBefore(schedule.cadence, timezone, firedAtMs);
    const nowMs = clock();
    const pattern = digestCronPattern(schedule)!;
    const next = formatTime(nextCronRun(pattern, timezone, firedAtMs), timezone, nowMs);
    const nextDigest = `Next digest: ${next}. Change it with /drumbeat digest.`;
    const notifier = this.options.notifiers.get(platformOf(teamId)) ?? this.options.fallback;
    const failures: unknown[] = [];
    for (const digest of await source.teamDigests(teamId, period, nowMs)) {
      const view = digestView(digest, { nextDigest });
      try {
        const render = () => renderDigestPng(digest, view);
        await this.options.publisher.publish(notifier, view, render, job.id ?? teamId);
      } catch (error) {
        const fields = { teamId, channelId: digest.channelId, err: error };
        // A channel that is gone or closed to the bot gets no digest; the others still do.
        if (error instanceof DeliveryError && error.permanent) {
          this.options.logger.error(fields, 'digest cannot be delivered');
        } else {
          failures.push(error);
        }
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  async close(): Promise<void> {
    await this.jobs.stopWorker(this.worker);
  }
}
