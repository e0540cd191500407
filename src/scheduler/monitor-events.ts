import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Effect } from '../domain/effects.js';
import { type MonitorEvent, type Transition, transition } from '../domain/machine.js';
import type { Incident, Monitor, PingInput, StoredPing } from '../domain/types.js';
import type { StoredMonitor } from '../store/codec.js';
import type { CounterWrites } from '../store/counter-writes.js';
import { newPingId } from '../store/ids.js';
import type { MonitorStore, OutboxItem, RateCount, WriteExtras } from '../store/monitors.js';
import { Deadlines } from './deadlines.js';
import { threadReplyJobId } from './delivery-order.js';
import type { AlertSnapshot, NotificationJobData, NotificationQueue } from './notifications.js';

export type ApplyResult =
  | {
      status: 'applied';
      monitor: Monitor;
      /** The deadline job time stored with the monitor when the change was written. */
      armedAt: number | null;
      transition: Transition;
      /** True when the change opened an incident and its first message was posted in place. */
      alertPosted?: boolean;
    }
  | { status: 'not_found' };

/** A ping past its monitor's rate stores nothing. */
export type PingApplyResult = ApplyResult | { status: 'rate_limited'; pingsInWindow: number };

/** The rate of pings a monitor may send: `maxPings` per window of `windowSeconds`. */
export interface PingRate {
  windowSeconds: number;
  /** 0 turns the limit off. */
  maxPings: number;
}

export interface ApplyOptions {
  /** The monitor as the caller read it, to save a round trip. */
  stored?: StoredMonitor | null;
  /** With a `ping` event: when the ping arrived, to store it with the change. */
  pingAt?: number;
  /** Set when a deadline job applies the event: that job re-arms itself. */
  fromDeadlineJob?: boolean;
  /**
   * With `fromDeadlineJob`: the job's fire time. When a compare-and-set fails and the monitor
   * that won is armed for another time, the job is stale and `apply` returns `not_found`.
   */
  armedAt?: number;
}

/** A change that `apply` stored: the monitor before and after it, and what caused it. */
export interface StoredChange {
  before: Monitor;
  after: Monitor;
  event: MonitorEvent;
  transition: Transition;
  now: number;
}

/** Told of every change, such as the history that digests read. Must not throw. */
export interface ChangeListener {
  /** Counter writes to store in the same step as the change, or null for none. */
  writesFor(change: StoredChange): CounterWrites | null;
  /** Called once the change is stored. Returns a promise only when it has work to wait for. */
  changeStored(change: StoredChange): Promise<void> | undefined;
}

/**
 * Posts an incident's first message in the job that opened it, instead of through the
 * notification queue. This saves a queue job per alert when many deadlines pass at once.
 */
export interface FirstPoster {
  /**
   * Posts the first message of the incident that `item` (a `sync_alert`) opened, and takes the
   * item out of the monitor's outbox. When it did not post, the item goes through the queue,
   * after `retryInMs` when a call failed (a 429's Retry-After, or the first backoff step).
   * Never rejects.
   */
  postFirst(monitor: Monitor, item: OutboxItem): Promise<FirstPostResult>;
}

export type FirstPostResult = { posted: true } | { posted: false; retryInMs: number };

/**
 * Returns the item of `outbox` that a first poster can deliver: its only item, when that is the
 * first message of an open incident that this change opened. Otherwise returns null.
 */
export function firstPostOf(before: Monitor, outbox: OutboxItem[]): OutboxItem | null {
  if (outbox.length !== 1) return null;
  const item = outbox[0]!;
  const data = item.data as NotificationJobData;
  if (data.type !== 'sync_alert') return null;
  const { incident } = data.snapshot;
  if (incident.closedAt !== null || before.incident?.id === incident.id) return null;
  return item;
}

/** Builds the stored form of a ping that arrived at `at` and ended a run of `durationMs`. */
function storedPing(
  input: PingInput,
  at: number,
  durationMs: number | null,
  id: string,
): StoredPing {
  return {
    at,
    kind: input.kind,
    exitStatus: input.exitStatus,
    rid: input.rid,
    method: input.method,
    body: input.body,
    bodyBytesCut: input.bodyBytesCut,
    userAgent: input.userAgent,
    remoteAddress: input.remoteAddress,
    durationMs,
    id,
  };
}

// Compare-and-set attempts before giving up. Each retry starts from the value that won. Pings to
// one monitor through several web processes can conflict many times in a row, because each
// process writes its pings of that monitor one after another.
const MAX_ATTEMPTS = 40;
// The maximum wait before a retry, in ms. From the second conflict in a row, a retry waits a
// random time below a bound that starts at 2 ms and doubles with each conflict, so that the other
// writers can finish. The waits of all attempts add up to at most 2.2 s.
const MAX_RETRY_WAIT_MS = 64;

/** A ping was stored, and a step after its write failed, such as arming its deadline job. */
export class PingStoredError extends Error {
  override readonly name = 'PingStoredError';
}

/** Another writer changed the monitor before each of `apply`'s compare-and-set attempts. */
export class ConcurrentChangeError extends Error {
  override readonly name = 'ConcurrentChangeError';
}

function snapshotOf(monitor: Monitor, incident: Incident): AlertSnapshot {
  const { id, name, graceMs, maxRuntimeMs, silencedUntil, silencedBy, lastPingAt } = monitor;
  const { teamId, platform, channelId } = monitor;
  return {
    monitor: { id, name, graceMs, maxRuntimeMs, silencedUntil, silencedBy, lastPingAt },
    team: { teamId, platform, channelId },
    incident,
  };
}

/** Turns the delivery effects of a transition into notification jobs with derived ids. */
export function outboxFor(monitor: Monitor, effects: Effect[]): OutboxItem[] {
  const items: OutboxItem[] = [];
  for (const effect of effects) {
    if (effect.type === 'archive_incident') continue;
    const snapshot = snapshotOf(monitor, effect.incident);
    let data: NotificationJobData;
    let jobId: string;
    if (effect.type === 'sync_alert') {
      data = { type: 'sync_alert', snapshot };
      jobId = `sync-${effect.incident.id}-${monitor.generation}-${items.length}`;
    } else {
      data = { type: 'thread_reply', snapshot, note: effect.note, sequence: effect.sequence };
      jobId = threadReplyJobId(effect.incident.id, effect.sequence, effect.note.kind);
    }
    items.push({ jobId, data });
  }
  return items;
}

/**
 * Applies events to monitors: reads, runs the pure state machine, stores the result with
 * compare-and-set (retrying from the winner's value when another writer was first), arms the
 * deadline and hands the effects to the notification queue through the monitor's outbox.
 */
export class MonitorEvents {
  private firstPoster: FirstPoster | null = null;

  constructor(
    private readonly store: MonitorStore,
    private readonly deadlines: Deadlines,
    private readonly notifications: NotificationQueue,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly listener: ChangeListener | null = null,
  ) {}

  /** Lets deadline jobs post the first message of the incidents they open. */
  setFirstPoster(poster: FirstPoster | null): void {
    this.firstPoster = poster;
  }

  async apply(
    monitorId: string,
    event: MonitorEvent,
    options: ApplyOptions = {},
  ): Promise<ApplyResult> {
    const result = await this.applyChange(monitorId, event, options, null);
    // Only a write that counts a ping against its rate can be rate-limited.
    if (result.status === 'rate_limited') throw new Error('a change without a rate was limited');
    return result;
  }

  /**
   * Applies a ping that arrived at `at` and stores it with the change. With `rate`, the ping is
   * counted against its monitor's rate window in the first compare-and-set, so that a caller
   * that passes the monitor from memory needs one round trip to Redis.
   */
  applyPing(
    monitorId: string,
    input: PingInput,
    at: number,
    options: { stored: StoredMonitor; rate: PingRate | null },
  ): Promise<PingApplyResult> {
    const limit = options.rate;
    const rate = limit && { windowSeconds: limit.windowSeconds, limit: limit.maxPings, now: at };
    const event = { type: 'ping' as const, ping: input };
    return this.applyChange(monitorId, event, { stored: options.stored, pingAt: at }, rate);
  }

  private async applyChange(
    monitorId: string,
    event: MonitorEvent,
    options: ApplyOptions,
    firstRate: RateCount | null,
  ): Promise<PingApplyResult> {
    let stored = options.stored === undefined ? await this.store.get(monitorId) : options.stored;
    let rate = firstRate;
    // Every attempt stores the ping under one id, so a write sent twice can find itself.
    const pingId = options.pingAt === undefined ? '' : newPingId();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!stored) return { status: 'not_found' };
      const now = this.clock();
      const result = transition(stored.monitor, event, now);
      if (!result.changed && options.pingAt === undefined) {
        const { monitor, armedAt } = stored;
        return { status: 'applied', monitor, armedAt, transition: result };
      }
      const ping =
        options.pingAt !== undefined && event.type === 'ping'
          ? storedPing(event.ping, options.pingAt, result.pingDurationMs, pingId)
          : undefined;
      const archive: Incident[] = [];
      for (const effect of result.effects) {
        if (effect.type === 'archive_incident') archive.push(effect.incident);
      }
      const outbox = outboxFor(result.monitor, result.effects);
      const change: StoredChange | null =
        result.changed && this.listener
          ? { before: stored.monitor, after: result.monitor, event, transition: result, now }
          : null;
      const counters = change && this.listener ? this.listener.writesFor(change) : null;
      const extras: WriteExtras = { outbox, archive, counters };
      if (ping) extras.ping = ping;
      const generation = stored.monitor.generation;
      const write = await this.store.compareAndSet(result.monitor, generation, extras, rate);
      // The ping is counted once, so a retry after a conflict does not count it again.
      rate = null;
      if (write.status === 'deleted') return { status: 'not_found' };
      if (write.status === 'rate_limited') return write;
      if (write.status === 'conflict') {
        if (attempt === MAX_ATTEMPTS - 1) break;
        this.logger.debug(
          { monitorId, attempt, event: event.type },
          'monitor changed meanwhile; retrying',
        );
        if (attempt === 0) {
          stored = write.current;
        } else {
          // Another writer won again, as when web processes take turns writing a monitor that a
          // fleet of jobs pings, and they can stay in step. A random wait breaks the step. The
          // monitor is read again after it, because the value that won is older by then.
          await sleep(Math.random() * Math.min(MAX_RETRY_WAIT_MS, 2 ** attempt));
          stored = await this.store.get(monitorId);
        }
        if (options.armedAt !== undefined && stored?.armedAt !== options.armedAt) {
          return { status: 'not_found' };
        }
        continue;
      }
      try {
        if (change && this.listener) {
          const pending = this.listener.changeStored(change);
          if (pending) await pending;
        }
        // Most pings move the deadline later, which needs no call at all.
        const { dueAt } = result.monitor;
        if (!options.fromDeadlineJob && !Deadlines.armedInTime(write.armedAt, dueAt, now)) {
          await this.deadlines.ensureArmed(monitorId, write.armedAt, dueAt, now);
        }
        if (event.type === 'silence') {
          await this.deadlines.addSilenceEnd(monitorId, event.until, now);
        }
        let direct: FirstPostResult | null = null;
        if (outbox.length > 0) {
          // Only deadline jobs post directly, so that a ping's response never waits for the chat
          // API.
          const first = options.fromDeadlineJob ? firstPostOf(stored.monitor, outbox) : null;
          if (first !== null && this.firstPoster !== null) {
            direct = await this.firstPoster.postFirst(result.monitor, first);
          }
          if (direct === null || !direct.posted) {
            await this.drainOutbox(monitorId, direct?.retryInMs ?? 0);
          }
        }
        return {
          status: 'applied',
          monitor: result.monitor,
          armedAt: write.armedAt,
          transition: result,
          alertPosted: direct?.posted === true,
        };
      } catch (error) {
        // The ping's 503 then reports that the ping may be stored, which it is by now.
        if (options.pingAt === undefined) throw error;
        throw new PingStoredError(`ping to ${monitorId} stored, but a step after it failed`, {
          cause: error,
        });
      }
    }
    throw new ConcurrentChangeError(
      `monitor ${monitorId} changed ${MAX_ATTEMPTS} times while applying ${event.type}`,
    );
  }

  /**
   * Moves a monitor's queued effects into the notification queue. Job ids are derived from the
   * effect, so a drain that runs twice (a crash, the sweep) queues each delivery once.
   */
  async drainOutbox(monitorId: string, delayMs = 0): Promise<void> {
    const items = await this.store.readOutbox(monitorId);
    for (const { raw, item } of items) {
      await this.notifications.add(item.jobId, item.data as NotificationJobData, delayMs);
      await this.store.removeFromOutbox(monitorId, raw);
    }
    await this.store.finishOutbox(monitorId);
  }
}
