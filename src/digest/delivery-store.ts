import type { Redis } from 'ioredis';
import type { MessageRef } from '../scheduler/notifier.js';
import type { DigestKeys } from './keys.js';

// Longer than the longest period between two digests of one channel, a week, with room to spare.
const RECORD_TTL_SECONDS = 40 * 86_400;

/**
 * Records of the digests posted, by channel and period (the view's `key`). They make a digest go
 * out once even when two workers run the job or one runs it again after a crash.
 */
export class DigestDeliveries {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DigestKeys,
  ) {}

  async posted(teamId: string, digestKey: string): Promise<MessageRef | null> {
    const value = await this.redis.get(this.keys.posted(teamId, digestKey));
    return value === null ? null : (JSON.parse(value) as MessageRef);
  }

  async markPosted(teamId: string, digestKey: string, ref: MessageRef): Promise<void> {
    const key = this.keys.posted(teamId, digestKey);
    await this.redis.set(key, JSON.stringify(ref), 'EX', RECORD_TTL_SECONDS);
  }

  /**
   * Takes the right to post a digest for `ttlMs`. The lock names its owner, so that the same job
   * run again takes it over instead of waiting for it to expire.
   */
  async lock(teamId: string, digestKey: string, owner: string, ttlMs: number): Promise<boolean> {
    const key = this.keys.postingLock(teamId, digestKey);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    if ((await this.redis.get(key)) !== owner) return false;
    await this.redis.pexpire(key, ttlMs);
    return true;
  }

  async unlock(teamId: string, digestKey: string): Promise<void> {
    await this.redis.del(this.keys.postingLock(teamId, digestKey));
  }

  /** Records an attempt to post. Returns true when an earlier attempt may have posted it. */
  async markAttempt(teamId: string, digestKey: string): Promise<boolean> {
    const key = this.keys.postAttempt(teamId, digestKey);
    return (await this.redis.set(key, '1', 'EX', RECORD_TTL_SECONDS, 'NX')) !== 'OK';
  }
}
