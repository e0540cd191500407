import type { Redis } from 'ioredis';
import type { MessageRef } from '../scheduler/notifier.js';
import type { Keys } from './keys.js';
import { ItemScriptBatcher, perItemScript } from './write-batch.js';

// Delivery records outlive a deleted monitor by this long, so its last edit can still land.
const DELIVERY_TTL_SECONDS = 90 * 86_400;
const ABANDONED = 'abandoned';
// Archived incidents looked at for an earlier one whose message is still to come.
const EARLIER_INCIDENTS_CHECKED = 5;

/**
 * Runs the checks before an incident's first post in one step. It returns `posted` when the
 * message exists, `earlier` when the monitor's previous incident was tried and is not posted
 * yet, and `busy` when another owner holds the posting lock. Otherwise it takes the lock,
 * records the attempt and returns `first`, or `again` when an attempt was recorded before.
 *
 * KEYS: the delivery record, the posting lock, the attempt record, the monitor's incidents.
 * ARGV: lock owner, lock ms, record TTL in seconds, incident id, its opening time, and the
 * key prefixes of delivery and attempt records, to which the previous incident's id is added
 * (the same monitor's keys, so the same hash slot).
 */
const BEGIN_FIRST_POST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'posted' end
local archived = redis.call('LRANGE', KEYS[4], 0, ${EARLIER_INCIDENTS_CHECKED - 1})
local openedAt = tonumber(ARGV[5])
for _, raw in ipairs(archived) do
  local ok, incident = pcall(cjson.decode, raw)
  if ok and type(incident) == 'table' and incident.id ~= ARGV[4]
      and tonumber(incident.openedAt) ~= nil and tonumber(incident.openedAt) < openedAt then
    local attempt = redis.call('GET', ARGV[7] .. incident.id)
    if attempt and attempt ~= '${ABANDONED}'
        and redis.call('EXISTS', ARGV[6] .. incident.id) == 0 then
      return 'earlier'
    end
    break
  end
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 'busy' end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
if redis.call('SET', KEYS[3], '1', 'EX', ARGV[3], 'NX') then return 'first' end
return 'again'
`;

/**
 * Stores a first post's message, frees its lock and takes its delivery out of the monitor's
 * outbox, in one step.
 *
 * KEYS: the delivery record, the posting lock, the outbox, the set of monitors with a
 * non-empty outbox. ARGV: the message reference JSON, record TTL in seconds, the outbox
 * item as stored, the monitor id.
 */
const FINISH_FIRST_POST = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('LREM', KEYS[3], 1, ARGV[3])
if redis.call('LLEN', KEYS[3]) == 0 then redis.call('SREM', KEYS[4], ARGV[4]) end
return 1
`;

/** The result of `beginFirstPost`. With `first` or `again`, the caller holds the posting lock. */
export type FirstPostStart = 'posted' | 'earlier' | 'busy' | 'first' | 'again';

interface DeliveryScripts {
  drumbeatBeginFirstPosts(keyCount: number, ...args: (string | number)[]): Promise<unknown[]>;
  drumbeatFinishFirstPosts(keyCount: number, ...args: (string | number)[]): Promise<unknown[]>;
}

/**
 * Where each incident's alert was posted. The record decides between posting and editing,
 * so a retried or re-run delivery job never posts a second message.
 */
export class DeliveryStore {
  // The first posts of many alerts due at once share their calls to Redis.
  private readonly begins: ItemScriptBatcher<FirstPostStart>;
  private readonly finishes: ItemScriptBatcher<number>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    if (!('drumbeatBeginFirstPosts' in redis)) {
      redis.defineCommand('drumbeatBeginFirstPosts', {
        lua: perItemScript(BEGIN_FIRST_POST, 4, 7),
      });
      redis.defineCommand('drumbeatFinishFirstPosts', {
        lua: perItemScript(FINISH_FIRST_POST, 4, 4),
      });
    }
    const scripts = redis as unknown as DeliveryScripts;
    this.begins = new ItemScriptBatcher((keys, args) =>
      scripts.drumbeatBeginFirstPosts(keys.length, ...keys, ...args),
    );
    this.finishes = new ItemScriptBatcher((keys, args) =>
      scripts.drumbeatFinishFirstPosts(keys.length, ...keys, ...args),
    );
  }

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

  /**
   * Runs the checks of a first post and takes its lock in one round trip, for a caller that has
   * the incident at hand. BEGIN_FIRST_POST lists the results.
   */
  beginFirstPost(
    monitorId: string,
    incident: { id: string; openedAt: number },
    owner: string,
    ttlMs: number,
  ): Promise<FirstPostStart> {
    const keys = this.keys;
    return this.begins.run({
      keys: [
        keys.delivery(monitorId, incident.id),
        keys.deliveryLock(monitorId, incident.id),
        keys.deliveryAttempt(monitorId, incident.id),
        keys.incidents(monitorId),
      ],
      args: [
        owner,
        ttlMs,
        DELIVERY_TTL_SECONDS,
        incident.id,
        incident.openedAt,
        keys.delivery(monitorId, ''),
        keys.deliveryAttempt(monitorId, ''),
      ],
    });
  }

  /** Saves the posted message, unlocks, and removes `outboxItem` (as stored) from the outbox. */
  async finishFirstPost(
    monitorId: string,
    incidentId: string,
    ref: MessageRef,
    outboxItem: string,
  ): Promise<void> {
    const keys = this.keys;
    await this.finishes.run({
      keys: [
        keys.delivery(monitorId, incidentId),
        keys.deliveryLock(monitorId, incidentId),
        keys.outbox(monitorId),
        keys.outboxPending(),
      ],
      args: [JSON.stringify(ref), DELIVERY_TTL_SECONDS, outboxItem, monitorId],
    });
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

  /**
   * Records an attempt to post a thread reply, and returns whether an earlier attempt was
   * recorded, so that the reply may be in the thread already.
   */
  async markThreadReplyAttempt(
    monitorId: string,
    incidentId: string,
    sequence: string,
  ): Promise<boolean> {
    const key = this.keys.threadTried(monitorId, incidentId);
    const replies = await this.redis
      .multi()
      .sadd(key, sequence)
      .expire(key, DELIVERY_TTL_SECONDS)
      .exec();
    const [error, added] = replies?.[0] ?? [new Error('the transaction was aborted'), null];
    if (error) throw error;
    return added === 0;
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
