import type { Redis } from 'ioredis';
import { DrumbeatError } from '../domain/errors.js';
import type { Incident, Monitor, StoredPing } from '../domain/types.js';
import {
  decodeIncident,
  decodeMonitor,
  decodePing,
  encodeMonitor,
  encodeMonitorJson,
  encodePing,
  type StoredMonitor,
} from './codec.js';
import { type CounterWrites, counterWriteArgs } from './counter-writes.js';
import type { Keys } from './keys.js';
import { GetBatcher } from './read-batch.js';
import { defineScripts, type ScriptRedis } from './scripts.js';
import { ItemScriptBatcher, ScriptBatcher } from './write-batch.js';

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

// Items encoded for a write, so that taking one out of the outbox again does not encode it twice.
const encodedItems = new WeakMap<OutboxItem, string>();

/** Returns an outbox item as the outbox list stores it, to find it there again. */
export function encodeOutboxItem(item: OutboxItem): string {
  let encoded = encodedItems.get(item);
  if (encoded === undefined) {
    encoded = JSON.stringify(item);
    encodedItems.set(item, encoded);
  }
  return encoded;
}

export type WriteResult =
  /** `armedAt` is the deadline job time the record kept, read in the same step. */
  | { status: 'written'; armedAt: number | null }
  | { status: 'conflict'; current: StoredMonitor }
  | { status: 'rate_limited'; pingsInWindow: number }
  | { status: 'deleted' };

/** A ping to count against its monitor's rate window, in seconds and pings per window. */
export interface RateCount {
  windowSeconds: number;
  /** Pings allowed per window; 0 counts nothing. */
  limit: number;
  /** The ping's time, epoch ms, which picks the window. */
  now: number;
}

export interface WriteExtras {
  ping?: StoredPing;
  /** Deliveries to queue once the write is stored. */
  outbox?: OutboxItem[];
  /** Closed incidents to move into the history. */
  archive?: Incident[];
  /** Counter writes stored in the same step, such as the digest history of the change. */
  counters?: CounterWrites | null;
}

/** Monitors, their pings and incidents in Redis. */
export class MonitorStore {
  private readonly redis: ScriptRedis;
  private readonly writes: ScriptBatcher;
  private readonly reads: GetBatcher;
  private readonly armings: ItemScriptBatcher<number>;

  constructor(
    redis: Redis,
    readonly keys: Keys,
    readonly limits: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {
    this.redis = redis as ScriptRedis;
    defineScripts(redis);
    this.writes = new ScriptBatcher((keys, args) =>
      this.redis.drumbeatCompareAndSet(keys.length, ...keys, ...args),
    );
    this.reads = new GetBatcher((keys) => this.redis.mget(keys));
    this.armings = new ItemScriptBatcher((keys, args) =>
      this.redis.drumbeatSetArmedMany(keys.length, ...keys, ...args),
    );
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
      this.keys.tokenIndex(monitor.token),
      monitor.name,
      monitor.id,
      encodeMonitor(monitor, null),
      monitor.token,
    );
    if (created === 0) {
      throw new DrumbeatError(
        'name_taken',
        `A monitor named "${monitor.name}" exists already. Pick another name, or delete that one first.`,
      );
    }
  }

  async get(id: string): Promise<StoredMonitor | null> {
    const value = await this.reads.get(this.keys.monitor(id));
    return value === null ? null : decodeMonitor(value, id);
  }

  /** Reads several monitors in one round trip; null where one is gone. */
  async getMany(ids: readonly string[]): Promise<(StoredMonitor | null)[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.monitor(id)));
    return values.map((value, i) => (value === null ? null : decodeMonitor(value, ids[i]!)));
  }

  /** Tells for each key whether it exists, in one round trip; for keys outside the store too. */
  async keysExist(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.exists(key);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, count]) => {
      if (error) throw error;
      return count === 1;
    });
  }

  async idForToken(token: string): Promise<string | null> {
    return this.redis.hget(this.keys.tokenIndex(token), token);
  }

  /** Lists the names of the team's monitors, in no order. */
  async teamNames(teamId: string): Promise<string[]> {
    return this.redis.hkeys(this.keys.teamNames(teamId));
  }

  async idForName(teamId: string, name: string): Promise<string | null> {
    return this.redis.hget(this.keys.teamNames(teamId), name);
  }

  async listTeam(teamId: string): Promise<Monitor[]> {
    const ids = await this.redis.hvals(this.keys.teamNames(teamId));
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.monitor(id)));
    return values
      .flatMap((value, i) => (value === null ? [] : [decodeMonitor(value, ids[i]!).monitor]))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** Reads a monitor for a ping and counts the ping in the monitor's rate window. */
  async readForPing(
    id: string,
    windowSeconds: number,
    limit: number,
    now: number,
  ): Promise<{ stored: StoredMonitor | null; pingsInWindow: number }> {
    const [value, count] = await this.redis.drumbeatReadForPing(
      this.keys.monitor(id),
      this.keys.pingRate(id, windowOf(windowSeconds, now)),
      windowSeconds,
      limit,
    );
    return { stored: value === null ? null : decodeMonitor(value, id), pingsInWindow: count };
  }

  /**
   * Stores `next` if the monitor's generation is still `expectedGeneration`. With `rate`, the
   * ping is first counted against its window, and nothing is stored past the limit. Writes
   * that start in the same turn of the event loop go to Redis in one call.
   */
  async compareAndSet(
    next: Monitor,
    expectedGeneration: number,
    extras: WriteExtras = {},
    rate: RateCount | null = null,
  ): Promise<WriteResult> {
    const id = next.id;
    const keys = this.keys;
    const outbox = extras.outbox ?? [];
    const archive = extras.archive ?? [];
    const counters = extras.counters ?? null;
    const rateWindow = rate === null ? 0 : windowOf(rate.windowSeconds, rate.now);
    const itemKeys = [
      keys.monitor(id),
      keys.pings(id),
      keys.incidents(id),
      keys.outbox(id),
      keys.outboxPending(),
      keys.pingRate(id, rateWindow),
    ];
    if (counters !== null) itemKeys.push(...counters.keys);
    const args: (string | number)[] = [
      itemKeys.length,
      expectedGeneration,
      next.generation,
      encodeMonitorJson(next),
      extras.ping ? encodePing(extras.ping) : '',
      this.limits.pingHistory,
      this.limits.incidentHistory,
      id,
      rate?.limit ?? 0,
      rate?.windowSeconds ?? 0,
      outbox.length,
    ];
    for (const item of outbox) args.push(encodeOutboxItem(item));
    args.push(archive.length);
    for (const incident of archive) args.push(JSON.stringify(incident));
    args.push(...counterWriteArgs(counters));
    const reply = await this.writes.run({ keys: itemKeys, args });
    return parseWriteReply(reply, id);
  }

  /**
   * Moves the deadline job time from `expected` to `next`; false when it moved meanwhile. Moves
   * that start in the same turn of the event loop go to Redis in one call.
   */
  async setArmed(id: string, expected: number | null, next: number | null): Promise<boolean> {
    const moved = await this.armings.run({
      keys: [this.keys.monitor(id), this.keys.armed()],
      args: [expected === null ? '' : String(expected), next === null ? '' : String(next), id],
    });
    return moved === 1;
  }

  /** Monitors whose deadline job should have fired before `before`. */
  async armedBefore(before: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.armed(), '-inf', before, 'LIMIT', 0, count);
  }

  /**
   * Walks the monitor records with SCAN, one page per call. Returns the next cursor, which is
   * '0' when the walk is done, and the ids of the page. As with SCAN, an id may come twice, and
   * a monitor created or deleted during the walk may or may not come.
   */
  async scanIds(cursor: string, count: number): Promise<[string, string[]]> {
    const [next, keys] = await this.redis.scan(
      cursor,
      'MATCH',
      this.keys.monitorPattern(),
      'COUNT',
      count,
      'TYPE',
      'string',
    );
    const ids: string[] = [];
    for (const key of keys) {
      const id = this.keys.monitorIdOf(key);
      if (id !== null) ids.push(id);
    }
    return [next, ids];
  }

  /**
   * Deletes the set of monitor ids that earlier versions kept. UNLINK frees it in the
   * background, because a set of a million ids would block Redis for a while. Processes of an
   * earlier version that still run during a deploy re-create it, and the next start deletes it
   * again. Returns whether the set existed.
   */
  async deleteLegacyMonitorSet(): Promise<boolean> {
    return (await this.redis.unlink(this.keys.legacyMonitorSet())) === 1;
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
      .hdel(this.keys.tokenIndex(monitor.token), monitor.token)
      .del(
        this.keys.monitor(id),
        this.keys.pings(id),
        this.keys.incidents(id),
        this.keys.outbox(id),
      )
      .zrem(this.keys.armed(), id)
      .srem(this.keys.outboxPending(), id)
      .exec();
  }
}

/** Returns the number of the rate window that `now` (epoch ms) falls in. */
function windowOf(windowSeconds: number, now: number): number {
  return Math.floor(now / 1000 / windowSeconds);
}

function parseWriteReply(reply: unknown, id: string): WriteResult {
  const [status, value] = reply as [string, (string | number)?];
  switch (status) {
    case 'written':
      return { status, armedAt: value === undefined || value === '' ? null : Number(value) };
    case 'conflict':
      return { status, current: decodeMonitor(String(value), id) };
    case 'rate_limited':
      return { status, pingsInWindow: Number(value) };
    case 'deleted':
      return { status };
    default:
      throw new Error(`compare-and-set failed in Redis: ${String(value)}`);
  }
}
