import type { Redis } from 'ioredis';
import { type CounterWrites, counterWriteArgs } from '../store/counter-writes.js';
import { defineScripts, type ScriptRedis } from '../store/scripts.js';
import type { ChangeEntry, HistoryWrite, RunSample } from './history-updates.js';
import type { DigestKeys } from './keys.js';
import {
  COUNTER_BY_CODE,
  counterField,
  DAY_MS,
  emptyCounters,
  HISTORY_RETENTION_MS,
  RUN_SAMPLES_PER_DAY,
  SLOT_MS,
  type SlotCounters,
  utcDay,
} from './slots.js';

/** A team's change log keeps at most this many entries, newest first. */
const MAX_CHANGES_PER_TEAM = 5000;

/** The history of one monitor over a time range. */
export interface MonitorHistory {
  /** The start of the range that was read; nothing before it is in the history. */
  fromMs: number;
  /** Counters by the start of their 15-minute slot. */
  slots: Map<number, SlotCounters>;
  samples: RunSample[];
}

/**
 * Collects the keys one write touches and gives each an index for the script. Each key lives
 * until the retention after its day ends, as a time to live from `now`, so that the expiry
 * follows the injected clock rather than Redis's own.
 */
class KeyList {
  readonly keys: string[] = [];
  readonly timesToLive: number[] = [];

  constructor(private readonly now: number) {}

  index(key: string, day: number): number {
    let found = this.keys.indexOf(key);
    if (found < 0) {
      found = this.keys.push(key) - 1;
      this.timesToLive.push(Math.max(1, (day + 1) * DAY_MS + HISTORY_RETENTION_MS - this.now));
    }
    return found + 1;
  }
}

/** Digest history in Redis: counters per monitor and 15-minute slot, run times, team changes. */
export class HistoryStore {
  private readonly redis: ScriptRedis;

  constructor(
    redis: Redis,
    readonly keys: DigestKeys,
    private readonly random: () => number = Math.random,
  ) {
    defineScripts(redis);
    this.redis = redis as ScriptRedis;
  }

  /** Stores a write on its own. Counts about times older than the retention are dropped. */
  async write(monitorId: string, teamId: string, write: HistoryWrite, now: number): Promise<void> {
    const counters = this.counterWrites(monitorId, write, now);
    if (counters !== null) {
      await this.redis.drumbeatWriteCounters(
        counters.keys.length,
        ...counters.keys,
        ...counterWriteArgs(counters),
      );
    }
    await this.writeChanges(teamId, write.changes, now);
  }

  /**
   * Returns the counters and run times of a write, for the monitor's compare-and-set to store
   * in the same step; null when there are none. Counts about times older than the retention are
   * dropped.
   */
  counterWrites(monitorId: string, write: HistoryWrite, now: number): CounterWrites | null {
    const oldest = now - HISTORY_RETENTION_MS;
    const list = new KeyList(now);
    const ops: (string | number)[] = [];
    for (const update of write.counters) {
      if (update.atMs < oldest || update.value === 0) continue;
      const day = utcDay(update.atMs);
      const key = list.index(this.keys.monitorDay(monitorId, day), day);
      ops.push(key, update.op, counterField(update.atMs, update.counter), update.value, '');
    }
    for (const sample of write.samples) {
      if (sample.runAtMs < oldest) continue;
      const day = utcDay(sample.runAtMs);
      const hash = list.index(this.keys.monitorDay(monitorId, day), day);
      const runs = list.index(this.keys.monitorDayRuns(monitorId, day), day);
      const value = `${sample.runAtMs}:${sample.durationMs}`;
      ops.push(runs, 'sample', hash, value, this.random());
    }
    if (ops.length === 0) return null;
    const { keys, timesToLive } = list;
    return { keys, timesToLiveMs: timesToLive, sampleCap: RUN_SAMPLES_PER_DAY, writes: ops };
  }

  /** Adds entries to a team's change log. */
  async writeChanges(teamId: string, changes: ChangeEntry[], now: number): Promise<void> {
    if (changes.length === 0) return;
    const key = this.keys.teamChanges(teamId);
    const members = changes.flatMap((entry) => [entry.atMs, JSON.stringify(entry)]);
    await this.redis
      .multi()
      .zadd(key, ...members)
      .zremrangebyscore(key, '-inf', now - HISTORY_RETENTION_MS)
      .zremrangebyrank(key, 0, -(MAX_CHANGES_PER_TEAM + 1))
      .pexpire(key, HISTORY_RETENTION_MS)
      .exec();
  }

  /** Reads a monitor's counters and run times for slots and runs in [fromMs, toMs). */
  async readMonitor(monitorId: string, fromMs: number, toMs: number): Promise<MonitorHistory> {
    const days: number[] = [];
    for (let day = utcDay(fromMs); day <= utcDay(toMs - 1); day++) days.push(day);
    const pipeline = this.redis.pipeline();
    for (const day of days) {
      pipeline.hgetall(this.keys.monitorDay(monitorId, day));
      pipeline.lrange(this.keys.monitorDayRuns(monitorId, day), 0, -1);
    }
    const results = (await pipeline.exec()) ?? [];
    const history: MonitorHistory = { fromMs, slots: new Map(), samples: [] };
    days.forEach((day, index) => {
      const [hashError, hash] = results[index * 2] ?? [];
      const [runsError, runs] = results[index * 2 + 1] ?? [];
      if (hashError) throw hashError;
      if (runsError) throw runsError;
      readCounters(history, day, hash as Record<string, string>, fromMs, toMs);
      readSamples(history, runs as string[], fromMs, toMs);
    });
    history.samples.sort((a, b) => a.runAtMs - b.runAtMs);
    return history;
  }

  /** Reads a team's changes in [fromMs, toMs), oldest first. */
  async readChanges(teamId: string, fromMs: number, toMs: number): Promise<ChangeEntry[]> {
    const values = await this.redis.zrangebyscore(
      this.keys.teamChanges(teamId),
      fromMs,
      `(${toMs}`,
    );
    return values.map(parseChangeEntry);
  }
}

/** Parses a stored change entry. Entries written before `createdBy` existed read it as null. */
function parseChangeEntry(value: string): ChangeEntry {
  const entry = JSON.parse(value) as Omit<ChangeEntry, 'createdBy'> & { createdBy?: string | null };
  return { ...entry, createdBy: entry.createdBy ?? null };
}

function readCounters(
  history: MonitorHistory,
  day: number,
  hash: Record<string, string>,
  fromMs: number,
  toMs: number,
): void {
  for (const [field, value] of Object.entries(hash)) {
    const separator = field.indexOf(':');
    if (separator < 0) continue;
    const counter = COUNTER_BY_CODE.get(field.slice(separator + 1));
    const startMs = day * DAY_MS + Number(field.slice(0, separator)) * SLOT_MS;
    if (counter === undefined || startMs < fromMs || startMs >= toMs) continue;
    let counters = history.slots.get(startMs);
    if (counters === undefined) {
      counters = emptyCounters();
      history.slots.set(startMs, counters);
    }
    counters[counter] = Number(value);
  }
}

function readSamples(history: MonitorHistory, runs: string[], fromMs: number, toMs: number): void {
  for (const value of runs) {
    const [runAt, duration] = value.split(':').map(Number);
    if (runAt === undefined || duration === undefined) continue;
    if (runAt >= fromMs && runAt < toMs)
      history.samples.push({ runAtMs: runAt, durationMs: duration });
  }
}
