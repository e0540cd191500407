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
}

// Keeps `upSince` unless the previous beat is older than the threshold, in one step, so
// several web processes agree on when the current run began.
const BEAT = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastBeatAt') or '0')
local now = tonumber(ARGV[1])
if now - last > tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'upSince', ARGV[1]) end
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

  async beat(): Promise<void> {
    const redis = this.redis as Redis & {
      drumbeatIngestBeat(key: string, now: number, threshold: number): Promise<number>;
    };
    await redis.drumbeatIngestBeat(this.keys.ingestHeartbeat(), this.clock(), this.thresholdMs);
  }

  /** Reads the status, at most once a second. */
  async status(): Promise<IngestStatus> {
    const now = this.clock();
    if (this.cached && now - this.cached.readAt < 1000) return this.cached.status;
    const [lastBeatAt, upSince] = await this.redis.hmget(
      this.keys.ingestHeartbeat(),
      'lastBeatAt',
      'upSince',
    );
    const status = {
      lastBeatAt: lastBeatAt ? Number(lastBeatAt) : null,
      upSince: upSince ? Number(upSince) : null,
    };
    this.cached = { status, readAt: now };
    return status;
  }

  /** Returns whether pings can be received now: a web process beat within the threshold. */
  isUp(status: IngestStatus, now: number): boolean {
    return status.lastBeatAt !== null && now - status.lastBeatAt <= this.thresholdMs;
  }
}
