import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

const HOUR_MS = 60 * 60 * 1000;
/** A failed lookup is cached too, so a missing `users:read` scope costs one call per user. */
const FAILURE_TTL_MS = 5 * 60 * 1000;
/** Past this many cached users, expired entries are dropped. */
const PRUNE_AT_ENTRIES = 10_000;

interface CachedZone {
  timezone: string | null;
  expiresAt: number;
}

/**
 * The IANA zone of Slack users from `users.info`, cached per user for an hour. A failed
 * lookup returns null and is logged.
 */
export class UserTimezones {
  private readonly cache = new Map<string, CachedZone>();
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly ttlMs: number = HOUR_MS,
  ) {}

  /**
   * Returns the user's zone, or null when it is unknown or the lookup takes longer than
   * `waitMs`. A lookup that outlasts the wait still fills the cache when it ends.
   */
  async lookup(teamId: string, userId: string, waitMs: number): Promise<string | null> {
    const key = `${teamId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.timezone;

    let request = this.pending.get(key);
    if (request === undefined) {
      request = this.fetch(key, userId);
      this.pending.set(key, request);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
    });
    try {
      return await Promise.race([request, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  clear(): void {
    this.cache.clear();
  }

  private async fetch(key: string, userId: string): Promise<string | null> {
    try {
      const result = await this.client.users.info({ user: userId });
      const timezone = result.user?.tz ?? null;
      this.store(key, timezone, this.ttlMs);
      return timezone;
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'Could not read the Slack user time zone');
      this.store(key, null, FAILURE_TTL_MS);
      return null;
    } finally {
      this.pending.delete(key);
    }
  }

  private store(key: string, timezone: string | null, ttlMs: number): void {
    const now = this.now();
    if (this.cache.size >= PRUNE_AT_ENTRIES) {
      for (const [cachedKey, entry] of this.cache) {
        if (entry.expiresAt <= now) this.cache.delete(cachedKey);
      }
    }
    this.cache.set(key, { timezone, expiresAt: now + ttlMs });
  }
}
