import {
  type ConnectionOptions,
  DelayedError,
  type Job,
  Queue,
  UnrecoverableError,
  Worker,
} from 'bullmq';
import type { Logger } from 'pino';
import { type AlertMonitor, shownOutput } from '../bot/alert-view.js';
import type { AlertView } from '../bot/views.js';
import type { ThreadNote } from '../domain/effects.js';
import type { Incident, Monitor, Platform } from '../domain/types.js';
import { repeatedFailureLog, workerErrorLog } from '../logger.js';
import type { DeliveryStore } from '../store/deliveries.js';
import type { Keys } from '../store/keys.js';
import { encodeOutboxItem, type MonitorStore, type OutboxItem } from '../store/monitors.js';
import {
  anyUnfinished,
  DeliveryWaitError,
  earlierPostPending,
  earlierReplyJobIds,
} from './delivery-order.js';
import type { FirstPostResult } from './monitor-events.js';
import { DeliveryError, type MessageRef, type Notifier } from './notifier.js';
import { JobTracker, WORKER_RETRY_DELAY_MS, workerLockOptions } from './redis-retry.js';

export const NOTIFICATION_QUEUE = 'notifications';

/** What a delivery needs when the monitor is gone by the time it runs. */
export interface AlertSnapshot {
  monitor: AlertMonitor;
  team: Pick<Monitor, 'teamId' | 'platform' | 'channelId'>;
  incident: Incident;
}

export type NotificationJobData =
  | { type: 'sync_alert'; snapshot: AlertSnapshot }
  | { type: 'thread_reply'; snapshot: AlertSnapshot; note: ThreadNote; sequence: number };

/** Renders the words of alerts; injected so the scheduler holds no chat wording itself. */
export interface AlertRenderer {
  alert(monitor: AlertMonitor, incident: Incident, teamId: string, now: number): Promise<AlertView>;
  threadNote(note: ThreadNote, teamId: string, now: number): Promise<string>;
}

// A first post may be held by another worker's lock this long before this one retries.
const POSTING_LOCK_MS = 30_000;
const ATTEMPTS = 30;
// A delivery that waits for an earlier one of its monitor checks again this often, for at most
// this long. After that it retries with backoff like any failure.
const ORDER_WAIT_RETRY_MS = 1000;
const MAX_ORDER_WAIT_MS = 30 * 60_000;
const MAX_BACKOFF_MS = 60_000;

/** Returns the wait before a delivery's next attempt: 1 s, doubling up to 60 s. */
function backoffMs(attemptsMade: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attemptsMade - 1));
}

export function notificationJobOptions(jobId: string) {
  return {
    jobId,
    attempts: ATTEMPTS,
    backoff: { type: 'drumbeat' },
  };
}

export class NotificationQueue {
  readonly queue: Queue<NotificationJobData>;

  constructor(connection: ConnectionOptions, keys: Keys) {
    this.queue = new Queue<NotificationJobData>(NOTIFICATION_QUEUE, {
      connection,
      prefix: keys.queuePrefix(),
    });
  }

  /** Queues a delivery; with `delayMs`, its first attempt waits that long. */
  async add(jobId: string, data: NotificationJobData, delayMs = 0): Promise<void> {
    const options = notificationJobOptions(jobId);
    await this.queue.add(data.type, data, delayMs > 0 ? { ...options, delay: delayMs } : options);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface NotificationWorkerOptions {
  connection: ConnectionOptions;
  keys: Keys;
  store: MonitorStore;
  deliveries: DeliveryStore;
  notifiers: Map<Platform, Notifier>;
  fallback: Notifier;
  renderer: AlertRenderer;
  logger: Logger;
  clock: () => number;
  /**
   * Deliveries at once. Default 50: each mostly waits on Redis and the chat API, and a chat API
   * that limits the rate responds with 429 and Retry-After, which the queue honours.
   */
  concurrency?: number;
  /** BullMQ lock duration, in ms (`workerLockOptions`). Default 5,000. */
  lockMs?: number;
}

/** Delivers alerts: posts each incident's message once, then edits it and replies in its thread. */
export class NotificationWorker {
  readonly worker: Worker<NotificationJobData>;
  private readonly jobs = new JobTracker();
  // A chat API that fails or limits the rate fails every delivery of a burst alike, so each
  // error message is logged once per 10 s with a count. A delivery that gives up logs its own line.
  private readonly retryLogged: (error: unknown, fields: Record<string, unknown>) => void;
  private readonly rateLimitLogged: (error: unknown, fields: Record<string, unknown>) => void;

  constructor(private readonly options: NotificationWorkerOptions) {
    this.retryLogged = repeatedFailureLog(
      options.logger,
      'warn',
      'alert delivery failed; retrying',
    );
    this.rateLimitLogged = repeatedFailureLog(options.logger, 'warn', 'chat API rate limit');
    this.worker = new Worker<NotificationJobData>(
      NOTIFICATION_QUEUE,
      (job, token) => this.jobs.track(this.process(job, token)),
      {
        connection: options.connection,
        prefix: options.keys.queuePrefix(),
        concurrency: options.concurrency ?? 50,
        ...workerLockOptions(options.lockMs),
        runRetryDelay: WORKER_RETRY_DELAY_MS,
        removeOnComplete: { count: 0 },
        removeOnFail: { age: 7 * 86_400 },
        settings: { backoffStrategy: backoffMs },
      },
    );
    this.worker.on('failed', (job, error) => {
      // A permanent error was logged once already, with its code, where it was caught.
      if (!job || error instanceof UnrecoverableError) return;
      const final = job.attemptsMade >= ATTEMPTS;
      const ids = { jobId: job.id, monitorId: job.data.snapshot.monitor.id };
      if (!final) {
        this.retryLogged(error, ids);
        return;
      }
      const fields = { ...ids, err: error };
      options.logger.error(fields, 'alert delivery gave up');
      if (job.data.type === 'sync_alert') {
        options.deliveries
          .abandonPost(job.data.snapshot.monitor.id, job.data.snapshot.incident.id)
          .catch((abandonError) =>
            options.logger.warn({ ...fields, err: abandonError }, 'could not record the give-up'),
          );
      }
    });
    this.worker.on('error', workerErrorLog(options.logger, 'notification worker error'));
  }

  private notifierFor(platform: Platform): Notifier {
    return this.options.notifiers.get(platform) ?? this.options.fallback;
  }

  /** Finds the newest version of the incident: open on the monitor, archived, or the snapshot. */
  private async latest(snapshot: AlertSnapshot): Promise<AlertSnapshot> {
    const stored = await this.options.store.get(snapshot.monitor.id);
    if (!stored) return snapshot;
    const monitor = stored.monitor;
    const team = {
      teamId: monitor.teamId,
      platform: monitor.platform,
      channelId: monitor.channelId,
    };
    if (monitor.incident?.id === snapshot.incident.id) {
      return { monitor, team, incident: monitor.incident };
    }
    const archived = await this.options.store.incidents(monitor.id, 20);
    const closed = archived.find((incident) => incident.id === snapshot.incident.id);
    return { monitor, team, incident: closed ?? snapshot.incident };
  }

  private async process(job: Job<NotificationJobData>, token: string | undefined): Promise<void> {
    // Past the maximum wait, a delivery goes out even when an earlier one is still stuck.
    const keepOrder = Date.now() - job.timestamp < MAX_ORDER_WAIT_MS;
    try {
      const { data } = job;
      if (data.type === 'sync_alert') await this.syncAlert(data.snapshot, job.id ?? '', keepOrder);
      else await this.threadReply(data.snapshot, data.note, data.sequence, keepOrder);
    } catch (error) {
      await this.handleFailure(job, token, error);
    }
  }

  /** Decides what a failed delivery does next: wait its turn or out Retry-After, retry, or stop. */
  private async handleFailure(
    job: Job<NotificationJobData>,
    token: string | undefined,
    error: unknown,
  ): Promise<never> {
    const monitorId = job.data.snapshot.monitor.id;
    const waited = Date.now() - job.timestamp;
    if (error instanceof DeliveryWaitError && token !== undefined && waited < MAX_ORDER_WAIT_MS) {
      this.options.logger.debug({ jobId: job.id, monitorId }, error.message);
      await job.moveToDelayed(Date.now() + ORDER_WAIT_RETRY_MS, token);
      throw new DelayedError();
    }
    if (!(error instanceof DeliveryError)) throw error;
    const fields = { jobId: job.id, monitorId, code: error.code };
    if (error.permanent) {
      this.options.logger.error(fields, `alert cannot be delivered: ${error.message}`);
      if (job.data.type === 'sync_alert') {
        await this.options.deliveries.abandonPost(monitorId, job.data.snapshot.incident.id);
      }
      throw new UnrecoverableError(error.message);
    }
    if (error.retryAfterMs !== null && token !== undefined) {
      // Honour Retry-After exactly, without spending one of the job's attempts.
      this.rateLimitLogged(error, { ...fields, retryAfterMs: error.retryAfterMs });
      await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
      throw new DelayedError();
    }
    throw error;
  }

  private async syncAlert(
    snapshot: AlertSnapshot,
    jobId: string,
    keepOrder: boolean,
  ): Promise<void> {
    const { monitor, team, incident } = await this.latest(snapshot);
    const { store, deliveries, renderer, clock } = this.options;
    const view = await renderer.alert(monitor, incident, team.teamId, clock());
    const ref = await deliveries.get(monitor.id, incident.id);
    if (ref) {
      await this.notifierFor(team.platform).updateAlert(ref, view);
      return;
    }
    // An incident that closed before any attempt to post it (held back by a silence, or closed
    // at once) is not posted. One whose first post failed is posted closed, so that an outage
    // of the chat API loses no alert.
    const attempt = await deliveries.postAttemptState(monitor.id, incident.id);
    if (incident.closedAt !== null && attempt === 'none') return;
    const silenced = monitor.silencedUntil !== null && monitor.silencedUntil > clock();
    if (silenced) return;
    if (keepOrder && (await earlierPostPending(store, deliveries, monitor.id, incident))) {
      throw new DeliveryWaitError(`an earlier incident of ${monitor.id} is not posted yet`);
    }
    await this.postFirstMessage(jobId, monitor.id, team, incident, view);
  }

  /**
   * Posts the first message of an incident that a deadline job just opened (see FirstPoster),
   * with the same lock and attempt record as a queued delivery. Anything but a plain first
   * post (a silence, an earlier incident still to be posted, a lock held elsewhere, a failed
   * call) leaves the delivery to the queue.
   */
  async postFirst(monitor: Monitor, item: OutboxItem): Promise<FirstPostResult> {
    const { deliveries, renderer, logger, clock } = this.options;
    const skipped = { posted: false, retryInMs: 0 } as const;
    const data = item.data as NotificationJobData;
    if (data.type !== 'sync_alert') return skipped;
    const { incident } = data.snapshot;
    const now = clock();
    if (monitor.silencedUntil !== null && monitor.silencedUntil > now) return skipped;
    const fields = { monitorId: monitor.id, incidentId: incident.id, channelId: monitor.channelId };
    let locked = false;
    try {
      const view = await renderer.alert(monitor, incident, monitor.teamId, now);
      // The lock gets an owner of its own, because the queued delivery of the same item (which
      // the sweep drains while a slow call runs) must wait for it, not take it over as a rerun.
      // NOTE: after a crash during this post, the queued delivery waits out the lock (30 s).
      const owner = `direct-${item.jobId}`;
      const start = await deliveries.beginFirstPost(monitor.id, incident, owner, POSTING_LOCK_MS);
      if (start !== 'first' && start !== 'again') return skipped;
      locked = true;
      const mayExist = start === 'again';
      const notifier = this.notifierFor(monitor.platform);
      const posted = await notifier.postAlert(monitor.channelId, view, {
        mayExist,
        openedAt: incident.openedAt,
      });
      await deliveries.finishFirstPost(monitor.id, incident.id, posted, encodeOutboxItem(item));
      locked = false;
      // The deadline job that called this logs the alert, so the line here is for debugging.
      logger.debug({ ...fields, mayExist }, 'alert posted');
      return { posted: true };
    } catch (error) {
      // The queued delivery retries as after its own first attempt: after a 429's Retry-After,
      // or after the first step of the backoff.
      const retryInMs =
        error instanceof DeliveryError && error.retryAfterMs !== null
          ? error.retryAfterMs
          : backoffMs(1);
      const code = error instanceof DeliveryError ? error.code : undefined;
      this.retryLogged(error, { ...fields, code, retryInMs });
      if (locked) {
        await deliveries.unlockPosting(monitor.id, incident.id).catch(() => {});
      }
      return { posted: false, retryInMs };
    }
  }

  private async postFirstMessage(
    jobId: string,
    monitorId: string,
    team: AlertSnapshot['team'],
    incident: Incident,
    view: AlertView,
  ): Promise<void> {
    const { deliveries, logger } = this.options;
    if (!(await deliveries.lockPosting(monitorId, incident.id, jobId, POSTING_LOCK_MS))) {
      throw new DeliveryWaitError(`incident ${incident.id} is being posted by another worker`);
    }
    try {
      // Another delivery may have posted and released the lock since this one read the record.
      // The holder saves the record before it releases the lock, so one more read here suffices.
      const ref = await deliveries.get(monitorId, incident.id);
      if (ref) {
        await this.notifierFor(team.platform).updateAlert(ref, view);
        return;
      }
      // An earlier attempt may have posted the message before its worker died or its response
      // was lost, so the notifier looks for it before posting.
      const mayExist = await deliveries.markPostAttempt(monitorId, incident.id);
      const notifier = this.notifierFor(team.platform);
      const posted = await notifier.postAlert(team.channelId, view, {
        mayExist,
        openedAt: incident.openedAt,
      });
      await deliveries.save(monitorId, incident.id, posted);
      logger.info(
        { monitorId, incidentId: incident.id, channelId: team.channelId, mayExist },
        'alert posted',
      );
    } finally {
      await deliveries.unlockPosting(monitorId, incident.id);
    }
  }

  private async threadReply(
    snapshot: AlertSnapshot,
    note: ThreadNote,
    sequence: number,
    keepOrder: boolean,
  ): Promise<void> {
    const { monitor, team, incident } = await this.latest(snapshot);
    const { deliveries, renderer, clock } = this.options;
    const key = `${sequence}:${note.kind}`;
    if (await deliveries.wasThreadReplySent(monitor.id, incident.id, key)) return;
    const ref: MessageRef | null = await deliveries.get(monitor.id, incident.id);
    if (!ref) {
      // The message never comes when it was given up on, or when no attempt to post it was
      // made while the incident was open.
      const attempt = await deliveries.postAttemptState(monitor.id, incident.id);
      if (attempt === 'abandoned' || (incident.closedAt !== null && attempt === 'none')) return;
      throw new DeliveryWaitError(`incident ${incident.id} has no message yet to reply to`);
    }
    const earlier = earlierReplyJobIds(incident.id, sequence, note.kind);
    if (keepOrder && (await anyUnfinished(this.worker, earlier))) {
      throw new DeliveryWaitError(`an earlier reply to incident ${incident.id} is not sent yet`);
    }
    const text = await renderer.threadNote(note, team.teamId, clock());
    const output = note.kind === 'failed_again' ? shownOutput(note.bodyExcerpt) : null;
    // A reply whose post reached the chat platform but whose response was lost is looked for
    // before it is posted again.
    const mayExist = await deliveries.markThreadReplyAttempt(monitor.id, incident.id, key);
    const replyId = `${incident.id}:${key}`;
    await this.notifierFor(team.platform).postThreadReply(ref, text, output, { replyId, mayExist });
    await deliveries.markThreadReplySent(monitor.id, incident.id, key);
  }

  async close(): Promise<void> {
    await this.jobs.stopWorker(this.worker);
  }
}
