import type { Redis } from 'ioredis';
import type { MessageRef } from '../scheduler/notifier.js';
import type { Keys } from './keys.js';

// Delivery records outlive a deleted monitor by this long, so its last edit can still land.
const DELIVERY_TTL_SECONDS = 90 * 86_400;
const ABANDONED = 'abandoned';

/**
 * Where each incident's alert was posted. The record decides between posting and editing,
 * so a retried or re-run delivery job never posts a second message.
 */
export class DeliveryStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(monitorId: string, incidentId: string): Promise<MessageRef | null> {
    const value = await this.redis.get(this.keys.delivery(monitorId, incidentId));
    return value === null ? null : (JSON.parse(value) as MessageRef);
  }

  async save(monitorId: string, incidentId: string, ref: MessageRef): Promise<void> {
    await this.redis.set(
      this.keys.delivery(monitorId, incidentId),
      JSON.stringify(ref),
      'EX',
      DELIVERY_TTL_SECONDS,
    );
  }

  /**
   * Takes the right to post an incident's first message for `ttlMs`. Two workers that run the
   * same delivery at once cannot both post: the second finds the lock taken and retries later. The
   * lock names its `owner` (the job id), so the same job, run again after its worker crashed,
   * takes over the lock that the crash left behind instead of waiting for it to expire.
   */
  async lockPosting(
    monitorId: string,
    incidentId: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    const key = this.keys.deliveryLock(monitorId, incidentId);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    if ((await this.redis.get(key)) !== owner) return false;
    await this.redis.pexpire(key, ttlMs);
    return true;
  }

  /**
   * Records an attempt to post an incident's first message. Returns true when an earlier
   * attempt was recorded, which may have posted the message without its response arriving.
   */
  async markPostAttempt(monitorId: string, incidentId: string): Promise<boolean> {
    const key = this.keys.deliveryAttempt(monitorId, incidentId);
    const result = await this.redis.set(key, '1', 'EX', DELIVERY_TTL_SECONDS, 'NX');
    return result !== 'OK';
  }

  async unlockPosting(monitorId: string, incidentId: string): Promise<void> {
    await this.redis.del(this.keys.deliveryLock(monitorId, incidentId));
  }

  /**
   * Whether a post of the incident's first message was tried: not yet, yes, or yes and then
   * given up on for good (a permanent error, or every attempt spent).
   */
  async postAttemptState(
    monitorId: string,
    incidentId: string,
  ): Promise<'none' | 'attempted' | 'abandoned'> {
    const value = await this.redis.get(this.keys.deliveryAttempt(monitorId, incidentId));
    if (value === null) return 'none';
    return value === ABANDONED ? 'abandoned' : 'attempted';
  }

  async abandonPost(monitorId: string, incidentId: string): Promise<void> {
    const key = this.keys.deliveryAttempt(monitorId, incidentId);
    await this.redis.set(key, ABANDONED, 'EX', DELIVERY_TTL_SECONDS);
  }

  async wasThreadReplySent(
    monitorId: string,
    incidentId: string,
    sequence: string,
  ): Promise<boolean> {
    return (
      (await this.redis.sismember(this.keys.threadSent(monitorId, incidentId), sequence)) === 1
    );
  }

  async markThreadReplySent(
    monitorId: string,
    incidentId: string,
    sequence: string,
  ): Promise<void> {
    const key = this.keys.threadSent(monitorId, incidentId);
    await this.redis.multi().sadd(key, sequence).expire(key, DELIVERY_TTL_SECONDS).exec();
  }
}
