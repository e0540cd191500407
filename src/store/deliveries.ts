import type { Redis } from 'ioredis';
import type { MessageRef } from '../scheduler/notifier.js';
import type { Keys } from './keys.js';

// Delivery records outlive a deleted monitor by this long, so its last edit can still land.
const DELIVERY_TTL_SECONDS = 90 * 86_400;

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
   * same delivery at once cannot both post: the second sees the lock and retries later.
   */
  async lockPosting(monitorId: string, incidentId: string, ttlMs: number): Promise<boolean> {
    const result = await this.redis.set(
      this.keys.deliveryLock(monitorId, incidentId),
      '1',
      'PX',
      ttlMs,
      'NX',
    );
    return result === 'OK';
  }

  async unlockPosting(monitorId: string, incidentId: string): Promise<void> {
    await this.redis.del(this.keys.deliveryLock(monitorId, incidentId));
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
