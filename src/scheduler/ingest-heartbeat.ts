import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.js';

/** A gap longer than this means Drumbeat could not receive pings, by default. */
export const DOWNTIME_THRESHOLD_MS = 30_000;
// Web processes beat this many times per threshold, so one slow beat is not taken for downtime.
const BEATS_PER_THRESHOLD = 6;

export interface IngestStatus {
  /** The last heartbeat of any web process, or null when none was ever recorded. */
  lastBeatAt: number | null;
  /** When pings could be received again after the last gap: the start of the current run. */
  upSince: number | null;
  /** The last gap of two beats or more: the beat before it and the beat that ended it. */
  gapFrom: number | null;
  gapTo: number | null;
}

// Keeps `upSince` unless the previous beat is older than the threshold, in one step, so
// several web processes agree on when the current run began. A shorter gap of two beats or
// more is recorded as the last gap.
const BEAT = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastBeatAt') or '0')
local now = tonumber(ARGV[1])
if now - last > tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'upSince', ARGV[1]) end
if last > 0 and now - last > tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'gapFrom', tostring(last), 'gapTo', ARGV[1])
end
if now > last then redis.call('HSET', KEYS[1], 'lastBeatAt', ARGV[1]) end
return 1
`;

/**
 * Tracks whether Drumbeat could receive pings. Web processes beat every few seconds; the
 * deadline worker reads the status so that a monitor is not charged for the time Drumbeat
 * itself was down: its window starts afresh from the restart.
 */
export class IngestHeartbeat {
  private cached: { status: IngestStatus; readAt: number } | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly clock: () => number,
    readonly thresholdMs: number = DOWNTIME_THRESHOLD_MS,
  ) {
    if (!('drumbeatIngestBeat' in redis)) {
      redis.defineCommand('drumbeatIngestBeat', { numberOfKeys: 1, lua: BEAT });
    }
  }

  /** How often web processes beat, in ms: 5 s for the default threshold of 30 s. */
  get intervalMs(): number {
    return Math.floor(this.thresholdMs / BEATS_PER_THRESHOLD);
  }

  /** A time without beats this long means no web process may have taken pings: two beats. */
  get gapMs(): number {
    return 2 * this.intervalMs;
  }

  async beat(): Promise<void> {
    const redis = this.redis as Redis & {
      drumbeatIngestBeat(key: string, now: number, threshold: number, gap: number): Promise<number>;
    };
    const key = this.keys.ingestHeartbeat();
    await redis.drumbeatIngestBeat(key, this.clock(), this.thresholdMs, this.gapMs);
  }

  /** Reads the status, at most once a second. */
  async status(): Promise<IngestStatus> {
    const now = this.clock();
    if (this.cached && now - this.cached.readAt < 1000) return this.cached.status;
    const [lastBeatAt, upSince, gapFrom, gapTo] = await this.redis.hmget(
      this.keys.ingestHeartbeat(),
      'lastBeatAt',
      'upSince',
      'gapFrom',
      'gapTo',
    );
    const status = {
      lastBeatAt: lastBeatAt ? Number(lastBeatAt) : null,
      upSince: upSince ? Number(upSince) : null,
      gapFrom: gapFrom ? Number(gapFrom) : null,
      gapTo: gapTo ? Number(gapTo) : null,
    };
    this.cached = { status, readAt: now };
    return status;
  }

  /** Returns whether pings can be received now: a web process beat within the threshold. */
  isUp(status: IngestStatus, now: number): boolean {
    return status.lastBeatAt !== null && now - status.lastBeatAt <= this.thresholdMs;
  }

  /** Returns whether the beats stopped for a gap that is still going on. */
  inGap(status: IngestStatus, now: number): boolean {
    return status.lastBeatAt !== null && now - status.lastBeatAt > this.gapMs;
  }

  /**
   * Returns until when a deadline `dueAt` that passed in or after the last gap waits for retried
   * pings: the threshold after the gap. Null otherwise, and after a gap past the threshold,
   * where the fresh window from `upSince` applies instead.
   */
  holdUntil(status: IngestStatus, dueAt: number | null): number | null {
    const { gapFrom, gapTo } = status;
    if (dueAt === null || gapFrom === null || gapTo === null) return null;
    if (gapTo - gapFrom > this.thresholdMs || dueAt < gapFrom) return null;
    return gapTo + this.thresholdMs;
  }
}
