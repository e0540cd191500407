import type { Logger } from 'pino';
import { DrumbeatError } from '../domain/errors.js';
import { buildMonitor } from '../domain/monitor.js';
import type { PingInput } from '../domain/types.js';
import {
  ConcurrentChangeError,
  type MonitorEvents,
  type PingApplyResult,
  PingStoredError,
} from '../scheduler/monitor-events.js';
import { newMonitorId, newPingToken } from '../store/ids.js';
import type { MonitorStore } from '../store/monitors.js';
import { isConnectionLost, neverRan } from '../store/redis-errors.js';
import type { TeamStore } from '../store/teams.js';
import { BoundedCache } from './bounded-cache.js';
import { KeyedLock } from './keyed-lock.js';
import { MonitorCache } from './monitor-cache.js';
import type { PingRecorder, PingTarget, RecordResult } from './recorder.js';
import { StoreContendedError, StoreStalledError, StoreUnavailableError } from './recorder.js';

type NotCreated = Extract<RecordResult, { status: 'not_created' }>;
type UnknownPingKey = { status: 'not_found'; unknownPingKey: true };

export interface PingRateLimit {
  windowSeconds: number;
  /** Pings one monitor may send per window; 0 turns the limit off. */
  maxPings: number;
}

export interface RedisPingRecorderOptions {
  store: MonitorStore;
  teams: TeamStore;
  events: MonitorEvents;
  logger: Logger;
  clock: () => number;
  rateLimit: PingRateLimit;
}

// Token-to-id lookups are cached because the mapping never changes while a monitor exists.
const TOKEN_CACHE_SIZE = 100_000;
// Monitors as this process last wrote them, about 1 KB each in memory. A ping whose monitor is
// here is written with compare-and-set straight away, one round trip to Redis instead of two;
// when another process changed the monitor since, the write fails and returns the new value.
export const MONITOR_CACHE_SIZE = 10_000;
// Monitors known to be past their rate in the current window. A window's count only grows, so
// their pings get 429 without a round trip, for up to `LIMIT_MEMORY_MS` and never past the end
// of the window. With the short memory, pings to a deleted monitor get 404 again within a second.
const LIMITED_CACHE_SIZE = 10_000;
const LIMIT_MEMORY_MS = 1000;

/** Records pings in Redis and applies them to their monitors. */
export class RedisPingRecorder implements PingRecorder {
  private readonly tokenCache = new BoundedCache<string, string>(TOKEN_CACHE_SIZE);
  private readonly monitorCache = new MonitorCache(MONITOR_CACHE_SIZE);
  private readonly monitorLocks = new KeyedLock();
  /** Until when each monitor found past its rate gets 429 from memory, in epoch ms. */
  private readonly limitedUntil = new BoundedCache<string, number>(LIMITED_CACHE_SIZE);
  /** How many times the stall guard gave up on the pings in progress. */
  private stalls = 0;

  constructor(private readonly options: RedisPingRecorderOptions) {}

  record(target: PingTarget, input: PingInput): Promise<RecordResult> {
    // The ping handler logs the failure with this error's cause, at most once per interval. A
    // line here for every ping would flood the log while Redis is down.
    return this.recordOrThrow(target, input).catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) throw error;
      if (error instanceof ConcurrentChangeError) {
        throw new StoreContendedError(`the ping could not be stored: ${error.message}`, {
          cause: error,
        });
      }
      const reason = isConnectionLost(error) ? ': the Redis connection is down' : '';
      throw new StoreUnavailableError(`the ping could not be stored${reason}`, { cause: error });
    });
  }

  private async recordOrThrow(target: PingTarget, input: PingInput): Promise<RecordResult> {
    const { store, events, clock, rateLimit } = this.options;
    // A ping's time is when it arrived, also when it waits for earlier pings of its monitor.
    const now = clock();
    const stallsAtArrival = this.stalls;
    const id = await this.resolve(target);
    if (id === null) return { status: 'not_found' };
    if (typeof id !== 'string') return id;
    this.throwIfGivenUp(stallsAtArrival);
    if (this.knownLimited(id, now)) return this.rateLimited(now);
    // Concurrent pings to one monitor (a fleet of workers that share it) are written in turn.
    // Each then writes from the value the one before it cached, so none loses a compare-and-set
    // to the others, and their times keep the order in which they arrived.
    const turn = this.monitorLocks.acquire(id);
    if (turn !== null) await turn;
    try {
      // The pings of a burst past the rate wait here until the first of them finds the limit.
      if (turn !== null && this.knownLimited(id, now)) return this.rateLimited(now);

      // Without the monitor in memory, one round trip reads it and counts the ping's rate.
      let stored = this.monitorCache.get(id);
      let rateInWrite: PingRateLimit | null = rateLimit;
      if (stored === undefined) {
        const read = await store.readForPing(id, rateLimit.windowSeconds, rateLimit.maxPings, now);
        this.throwIfGivenUp(stallsAtArrival);
        if (!read.stored) return this.forget(target, id);
        if (rateLimit.maxPings > 0 && read.pingsInWindow > rateLimit.maxPings) {
          return this.limitReached(id, now);
        }
        stored = read.stored;
        rateInWrite = null;
      }

      let result: PingApplyResult;
      try {
        result = await events.applyPing(id, input, now, { stored, rate: rateInWrite });
      } catch (error) {
        throw mayHaveRun(error);
      }
      if (result.status === 'rate_limited') return this.limitReached(id, now);
      if (result.status === 'not_found') return this.forget(target, id);
      this.monitorCache.set(id, result.monitor, result.armedAt);
      return { status: 'stored' };
    } finally {
      this.monitorLocks.release(id);
    }
  }

  /** Remembers for a while that the monitor `id` is past its rate in the window of `now`. */
  private limitReached(id: string, now: number): RecordResult {
    this.limitedUntil.set(id, Math.min(this.windowEnd(now), now + LIMIT_MEMORY_MS));
    return this.rateLimited(now);
  }

  /** Returns whether the monitor `id` was found past its rate in the window of `now`. */
  private knownLimited(id: string, now: number): boolean {
    const until = this.limitedUntil.get(id);
    if (until === undefined) return false;
    if (now < until) return true;
    this.limitedUntil.delete(id);
    return false;
  }

  /**
   * Gives up on the pings in progress that have not sent their write to Redis. Those that wait
   * for an earlier ping of their monitor fail at once. The others, still reading from Redis,
   * stop before their write, because the stall guard has sent their 503 already.
   */
  dropUnsent(): void {
    this.stalls += 1;
    this.monitorLocks.failWaiting(unsentError());
  }

  /** Stops a ping that arrived before the stall guard last gave up on the pings in progress. */
  private throwIfGivenUp(stallsAtArrival: number): void {
    if (this.stalls !== stallsAtArrival) throw unsentError();
  }

  /** Returns when the rate window of `now` ends, in epoch ms. */
  private windowEnd(now: number): number {
    const windowMs = this.options.rateLimit.windowSeconds * 1000;
    return now - (now % windowMs) + windowMs;
  }

  private rateLimited(now: number): RecordResult {
    const { windowSeconds, maxPings } = this.options.rateLimit;
    return {
      status: 'rate_limited',
      retryAfterSeconds: Math.ceil((this.windowEnd(now) - now) / 1000),
      maxPings,
      windowSeconds,
    };
  }

  /** Drops a monitor that is gone from the caches. */
  private forget(target: PingTarget, id: string): RecordResult {
    if (target.kind === 'token') this.tokenCache.delete(target.token);
    this.monitorCache.delete(id);
    return { status: 'not_found' };
  }

  /** Finds the id of the monitor a ping names, creating it for `?create=1` where it can. */
  private async resolve(target: PingTarget): Promise<string | null | NotCreated | UnknownPingKey> {
    const { store, teams } = this.options;
    if (target.kind === 'token') {
      const cached = this.tokenCache.get(target.token);
      if (cached !== undefined) return cached;
      const id = await store.idForToken(target.token);
      if (id !== null) this.tokenCache.set(target.token, id);
      return id;
    }
    const teamId = await teams.teamForPingKey(target.pingKey);
    if (teamId === null) return { status: 'not_found', unknownPingKey: true };
    const id = await store.idForName(teamId, target.slug);
    if (id !== null || !target.create) return id;
    return this.createFromPing(teamId, target.slug);
  }

  /** Creates a monitor named by a `?create=1` ping: daily, with one hour of grace. */
  private async createFromPing(teamId: string, slug: string): Promise<string | NotCreated> {
    const { store, teams, clock, logger } = this.options;
    const settings = await teams.get(teamId);
    if (settings.defaultChannelId === null) {
      return this.notCreated(
        teamId,
        'the team has no alert channel yet; create a monitor with /drumbeat new first',
      );
    }
    const monitor = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId,
        platform: settings.platform ?? 'cli',
        channelId: settings.defaultChannelId,
        name: slug,
        schedule: { kind: 'interval', periodSeconds: 86_400 },
        graceMs: 3_600_000,
        maxRuntimeMs: null,
        createdBy: 'ping',
      },
      clock(),
    );
    try {
      await store.create(monitor);
    } catch (error) {
      if (error instanceof DrumbeatError && error.code === 'limit_reached') {
        const limit = store.limits.monitorsPerTeam;
        return this.notCreated(
          teamId,
          `the team is at its limit of ${limit} monitors; delete one first`,
        );
      }
      if (!(error instanceof DrumbeatError && error.code === 'name_taken')) throw error;
      // Another ping created it first.
      const id = await store.idForName(teamId, slug);
      return (
        id ??
        this.notCreated(teamId, 'another monitor took the name and was deleted; retry the ping')
      );
    }
    logger.info({ monitorId: monitor.id, teamId }, 'monitor created by a ping');
    return monitor.id;
  }

  private notCreated(teamId: string, reason: string): NotCreated {
    this.options.logger.info({ teamId, reason }, 'monitor not created by a ping');
    return { status: 'not_created', reason };
  }
}

function unsentError(): StoreStalledError {
  return new StoreStalledError('Redis did not respond, so this ping was not sent to it', {
    sent: false,
  });
}

/**
 * Marks an error of a ping's write as one after which the ping may be stored, unless the write
 * is known not to have run. A connection to Redis that drops while a write is on its way leaves
 * it unknown whether Redis ran it. A ping whose write ran, and a step after it failed (arming
 * its deadline, say), gets the same 503: its retry counts the run twice, but arms again.
 */
function mayHaveRun(error: unknown): unknown {
  if (error instanceof PingStoredError) {
    return new StoreUnavailableError(`the ping is stored: ${error.message}`, {
      cause: error,
      sent: true,
    });
  }
  if (error instanceof StoreUnavailableError || error instanceof ConcurrentChangeError) {
    return error;
  }
  if (neverRan(error)) return error;
  const reason = isConnectionLost(error) ? 'the Redis connection was lost' : 'it failed';
  return new StoreUnavailableError(`the ping may not be stored: ${reason} during its write`, {
    cause: error,
    sent: true,
  });
}
