import type { Redis } from 'ioredis';
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

// KEYS: day hashes and run lists of one monitor. ARGV[1..#KEYS]: each key's time to live in ms.
// Then groups of five: key index, op, field, value, extra. `sample` keeps a reservoir of run
// times per day: every run is kept until the list is full, then each new one replaces a random
// entry with the probability that keeps the sample uniform. Its field is the index of the day's
// hash, whose `n` counts the runs seen; its extra is a random number in [0, 1).
const WRITE_HISTORY = `
local keyCount = #KEYS
local i = keyCount + 1
while i <= #ARGV do
  local key = KEYS[tonumber(ARGV[i])]
  local op = ARGV[i + 1]
  if op == 'add' then
    redis.call('HINCRBY', key, ARGV[i + 2], ARGV[i + 3])
  elseif op == 'max' then
    local current = tonumber(redis.call('HGET', key, ARGV[i + 2]) or '0')
    if tonumber(ARGV[i + 3]) > current then redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3]) end
  elseif op == 'sample' then
    local seen = redis.call('HINCRBY', KEYS[tonumber(ARGV[i + 2])], 'n', 1)
    if seen <= ${RUN_SAMPLES_PER_DAY} then
      redis.call('RPUSH', key, ARGV[i + 3])
    else
      local index = math.floor(tonumber(ARGV[i + 4]) * seen)
      if index < ${RUN_SAMPLES_PER_DAY} then redis.call('LSET', key, index, ARGV[i + 3]) end
    end
  end
  i = i + 5
end
for k = 1, keyCount do redis.call('PEXPIRE', KEYS[k], ARGV[k]) end
return 1
`;

type HistoryRedis = Redis & {
  drumbeatWriteHistory(keyCount: number, ...args: (string | number)[]): Promise<number>;
};

/** The history of one monitor over a time range. */
export interface MonitorHistory {
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
  private readonly redis: HistoryRedis;

  constructor(
    redis: Redis,
    readonly keys: DigestKeys,
    private readonly random: () => number = Math.random,
  ) {
    this.redis = redis as HistoryRedis;
    if (!('drumbeatWriteHistory' in redis)) {
      redis.defineCommand('drumbeatWriteHistory', { lua: WRITE_HISTORY });
    }
  }

  /** Stores a write. Counts about times older than the retention are dropped. */
  async write(monitorId: string, teamId: string, write: HistoryWrite, now: number): Promise<void> {
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
    if (ops.length > 0) {
      await this.redis.drumbeatWriteHistory(
        list.keys.length,
        ...list.keys,
        ...list.timesToLive,
        ...ops,
      );
    }
    if (write.changes.length > 0) await this.addChanges(teamId, write.changes, now);
  }

  private async addChanges(teamId: string, changes: ChangeEntry[], now: number): Promise<void> {
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
    const history: MonitorHistory = { slots: new Map(), samples: [] };
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
    return values.map((value) => JSON.parse(value) as ChangeEntry);
  }
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
