import type { Redis } from 'ioredis';
import { DrumbeatError } from '../domain/errors.js';
import type { Incident, Monitor, StoredPing } from '../domain/types.js';
import {
  decodeIncident,
  decodeMonitor,
  decodePing,
  encodeMonitor,
  encodePing,
  type StoredMonitor,
} from './codec.js';
import type { Keys } from './keys.js';
import { COMPARE_AND_SET, CREATE_MONITOR, READ_FOR_PING, SET_ARMED } from './scripts.js';

export interface StoreLimits {
  /** Pings kept per monitor, newest first. */
  pingHistory: number;
  /** Closed incidents kept per monitor. */
  incidentHistory: number;
  /** Monitors one team may have. */
  monitorsPerTeam: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  pingHistory: 50,
  incidentHistory: 200,
  monitorsPerTeam: 1000,
};

/** A delivery waiting in a monitor's outbox: the job id and data of a notification job. */
export interface OutboxItem {
  jobId: string;
  data: unknown;
}

export type WriteResult =
  | { status: 'written' }
  | { status: 'conflict'; current: StoredMonitor }
  | { status: 'deleted' };

export interface WriteExtras {
  ping?: StoredPing;
  /** Deliveries to queue once the write is stored. */
  outbox?: OutboxItem[];
  /** Closed incidents to move into the history. */
  archive?: Incident[];
}

type ScriptRedis = Redis & {
  drumbeatReadForPing(
    k1: string,
    k2: string,
    window: number,
    limit: number,
  ): Promise<[string | null, number]>;
  drumbeatCompareAndSet(...args: (string | number)[]): Promise<number | string>;
  drumbeatSetArmed(
    k1: string,
    k2: string,
    expected: string,
    next: string,
    id: string,
  ): Promise<number>;
  drumbeatCreate(
    k1: string,
    k2: string,
    k3: string,
    k4: string,
    name: string,
    id: string,
    value: string,
  ): Promise<number>;
};

/** Monitors, their pings and incidents in Redis. */
export class MonitorStore {
  private readonly redis: ScriptRedis;

  constructor(
    redis: Redis,
    readonly keys: Keys,
    readonly limits: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {
    this.redis = redis as ScriptRedis;
    defineScripts(redis);
  }

  async create(monitor: Monitor): Promise<void> {
    const count = await this.redis.hlen(this.keys.teamNames(monitor.teamId));
    if (count >= this.limits.monitorsPerTeam) {
      throw new DrumbeatError(
        'limit_reached',
        `This team has ${count} monitors, the most it may have. Delete one before adding another.`,
      );
    }
    const created = await this.redis.drumbeatCreate(
      this.keys.teamNames(monitor.teamId),
      this.keys.monitor(monitor.id),
      this.keys.token(monitor.token),
      this.keys.allMonitors(),
      monitor.name,
      monitor.id,
      encodeMonitor(monitor, null),
    );
    if (created === 0) {
      throw new DrumbeatError(
        'name_taken',
        `A monitor named "${monitor.name}" exists already. Pick another name, or delete that one first.`,
      );
    }
  }

  async get(id: string): Promise<StoredMonitor | null> {
    const value = await this.redis.get(this.keys.monitor(id));
    return value === null ? null : decodeMonitor(value);
  }

  async idForToken(token: string): Promise<string | null> {
    return this.redis.get(this.keys.token(token));
  }

  async idForName(teamId: string, name: string): Promise<string | null> {
    return this.redis.hget(this.keys.teamNames(teamId), name);
  }

  async listTeam(teamId: string): Promise<Monitor[]> {
    const ids = await this.redis.hvals(this.keys.teamNames(teamId));
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.monitor(id)));
    return values
      .filter((value): value is string => value !== null)
      .map((value) => decodeMonitor(value).monitor)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Reads a monitor for a ping and counts the ping in the monitor's rate window. */
  async readForPing(
    id: string,
    windowSeconds: number,
    limit: number,
    now: number,
  ): Promise<{ stored: StoredMonitor | null; pingsInWindow: number }> {
    const window = Math.floor(now / 1000 / windowSeconds);
    const [value, count] = await this.redis.drumbeatReadForPing(
      this.keys.monitor(id),
      this.keys.pingRate(id, window),
      windowSeconds,
      limit,
    );
    return { stored: value === null ? null : decodeMonitor(value), pingsInWindow: count };
  }

  /** Stores `next` if the monitor's generation is still `expectedGeneration`. */
  async compareAndSet(
    next: Monitor,
    expectedGeneration: number,
    extras: WriteExtras = {},
  ): Promise<WriteResult> {
    const id = next.id;
    const outbox = (extras.outbox ?? []).map((item) => JSON.stringify(item));
    const archived = (extras.archive ?? []).map((incident) => JSON.stringify(incident));
    const result = await this.redis.drumbeatCompareAndSet(
      this.keys.monitor(id),
      this.keys.pings(id),
      this.keys.incidents(id),
      this.keys.outbox(id),
      this.keys.outboxPending(),
      String(expectedGeneration),
      encodeMonitor(next, null),
      extras.ping ? encodePing(extras.ping) : '',
      this.limits.pingHistory,
      this.limits.incidentHistory,
      id,
      ...outbox,
      '--',
      ...archived,
    );
    if (result === 1) return { status: 'written' };
    if (result === 0) return { status: 'deleted' };
    return { status: 'conflict', current: decodeMonitor(String(result)) };
  }

  /** Moves the deadline job time from `expected` to `next`; false when it moved meanwhile. */
  async setArmed(id: string, expected: number | null, next: number | null): Promise<boolean> {
    const moved = await this.redis.drumbeatSetArmed(
      this.keys.monitor(id),
      this.keys.armed(),
      expected === null ? '' : String(expected),
      next === null ? '' : String(next),
      id,
    );
    return moved === 1;
  }

  /** Monitors whose deadline job should have fired before `before`. */
  async armedBefore(before: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.armed(), '-inf', before, 'LIMIT', 0, count);
  }

  async allIds(cursor: string, count: number): Promise<[string, string[]]> {
    return this.redis.sscan(this.keys.allMonitors(), cursor, 'COUNT', count);
  }

  async readOutbox(id: string): Promise<{ raw: string; item: OutboxItem }[]> {
    const items = await this.redis.lrange(this.keys.outbox(id), 0, -1);
    return items.map((raw) => ({ raw, item: JSON.parse(raw) as OutboxItem }));
  }

  /** Removes one queued effect by its exact value, so concurrent drains remove nothing twice. */
  async removeFromOutbox(id: string, raw: string): Promise<void> {
    await this.redis.lrem(this.keys.outbox(id), 1, raw);
  }

  async finishOutbox(id: string): Promise<void> {
    if ((await this.redis.llen(this.keys.outbox(id))) === 0) {
      await this.redis.srem(this.keys.outboxPending(), id);
    }
  }

  async pendingOutboxes(count: number): Promise<string[]> {
    return this.redis.srandmember(this.keys.outboxPending(), count);
  }

  async pings(id: string, count: number): Promise<StoredPing[]> {
    const values = await this.redis.lrange(this.keys.pings(id), 0, count - 1);
    return values.map(decodePing);
  }

  async incidents(id: string, count: number): Promise<Incident[]> {
    const values = await this.redis.lrange(this.keys.incidents(id), 0, count - 1);
    return values.map(decodeIncident);
  }

  /**
   * Deletes a monitor and everything stored under it but its delivery records, which expire
   * by themselves so that the alert of a deleted monitor can still be edited to say so.
   */
  async delete(monitor: Monitor): Promise<void> {
    const id = monitor.id;
    await this.redis
      .multi()
      .hdel(this.keys.teamNames(monitor.teamId), monitor.name)
      .del(
        this.keys.monitor(id),
        this.keys.pings(id),
        this.keys.incidents(id),
        this.keys.outbox(id),
        this.keys.token(monitor.token),
      )
      .srem(this.keys.allMonitors(), id)
      .zrem(this.keys.armed(), id)
      .srem(this.keys.outboxPending(), id)
      .exec();
  }
}

function defineScripts(redis: Redis): void {
  if ('drumbeatCompareAndSet' in redis) return;
  redis.defineCommand('drumbeatReadForPing', { numberOfKeys: 2, lua: READ_FOR_PING });
  redis.defineCommand('drumbeatCompareAndSet', { numberOfKeys: 5, lua: COMPARE_AND_SET });
  redis.defineCommand('drumbeatSetArmed', { numberOfKeys: 2, lua: SET_ARMED });
  redis.defineCommand('drumbeatCreate', { numberOfKeys: 4, lua: CREATE_MONITOR });
}
