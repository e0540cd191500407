import type { Logger } from 'pino';
import { buildMonitor } from '../domain/monitor.js';
import type { PingInput } from '../domain/types.js';
import type { MonitorEvents } from '../scheduler/monitor-events.js';
import { newMonitorId, newPingToken } from '../store/ids.js';
import type { MonitorStore } from '../store/monitors.js';
import type { TeamStore } from '../store/teams.js';
import type { PingRecorder, PingTarget, RecordResult } from './recorder.js';
import { StoreUnavailableError } from './recorder.js';

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

/** Records pings in Redis and applies them to their monitors. */
export class RedisPingRecorder implements PingRecorder {
  private readonly tokenCache = new Map<string, string>();

  constructor(private readonly options: RedisPingRecorderOptions) {}

  async record(target: PingTarget, input: PingInput): Promise<RecordResult> {
    try {
      return await this.recordOrThrow(target, input);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.options.logger.error({ err: error }, 'ping not stored');
      throw new StoreUnavailableError('the ping could not be stored');
    }
  }

  private async recordOrThrow(target: PingTarget, input: PingInput): Promise<RecordResult> {
    const { store, events, clock, rateLimit } = this.options;
    const id = await this.resolve(target);
    if (id === null) return { status: 'not_found' };
    const now = clock();
    const { stored, pingsInWindow } = await store.readForPing(
      id,
      rateLimit.windowSeconds,
      rateLimit.maxPings,
      now,
    );
    if (!stored) {
      if (target.kind === 'token') this.tokenCache.delete(target.token);
      return { status: 'not_found' };
    }
    if (rateLimit.maxPings > 0 && pingsInWindow > rateLimit.maxPings) {
      const windowMs = rateLimit.windowSeconds * 1000;
      return {
        status: 'rate_limited',
        retryAfterSeconds: Math.ceil((windowMs - (now % windowMs)) / 1000),
      };
    }
    const ping = { ...input, at: now };
    const result = await events.apply(id, { type: 'ping', ping: input }, { stored, ping });
    return result.status === 'applied' ? { status: 'stored' } : { status: 'not_found' };
  }

  private async resolve(target: PingTarget): Promise<string | null> {
    const { store, teams } = this.options;
    if (target.kind === 'token') {
      const cached = this.tokenCache.get(target.token);
      if (cached !== undefined) return cached;
      const id = await store.idForToken(target.token);
      if (id !== null) {
        if (this.tokenCache.size >= TOKEN_CACHE_SIZE) this.tokenCache.clear();
        this.tokenCache.set(target.token, id);
      }
      return id;
    }
    const teamId = await teams.teamForPingKey(target.pingKey);
    if (teamId === null) return null;
    const id = await store.idForName(teamId, target.slug);
    if (id !== null || !target.create) return id;
    return this.createFromPing(teamId, target.slug);
  }

  /** Creates a monitor named by a `?create=1` ping: daily, with one hour of grace. */
  private async createFromPing(teamId: string, slug: string): Promise<string | null> {
    const { store, teams, clock, logger } = this.options;
    const settings = await teams.get(teamId);
    if (settings.defaultChannelId === null) return null;
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
    } catch {
      // Another ping created it first, or the team is at its limit.
      return store.idForName(teamId, slug);
    }
    logger.info({ monitorId: monitor.id, teamId }, 'monitor created by a ping');
    return monitor.id;
  }
}
