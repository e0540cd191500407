import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Platform } from '../domain/types.js';
import type { Keys } from './keys.js';

export interface TeamSettings {
  /** The team's IANA zone, or null until someone sets it. */
  timezone: string | null;
  /** The key of `/ping/<ping-key>/<slug>` URLs, made on first use. */
  pingKey: string | null;
  /** Where monitors created by a `?create=1` ping alert: the channel of the team's last `new`. */
  defaultChannelId: string | null;
  platform: Platform | null;
}

/** Per-team settings in one Redis hash. */
export class TeamStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(teamId: string): Promise<TeamSettings> {
    const [timezone, pingKey, defaultChannelId, platform] = await this.redis.hmget(
      this.keys.teamSettings(teamId),
      'timezone',
      'pingKey',
      'defaultChannelId',
      'platform',
    );
    return {
      timezone: timezone ?? null,
      pingKey: pingKey ?? null,
      defaultChannelId: defaultChannelId ?? null,
      platform: (platform as Platform | null) ?? null,
    };
  }

  async setDefaultChannel(teamId: string, platform: Platform, channelId: string): Promise<void> {
    await this.redis.hset(this.keys.teamSettings(teamId), {
      defaultChannelId: channelId,
      platform,
    });
  }

  async setTimezone(teamId: string, timezone: string): Promise<void> {
    await this.redis.hset(this.keys.teamSettings(teamId), 'timezone', timezone);
  }

  /** Returns the team's ping key, creating one (22 random URL-safe characters) if needed. */
  async ensurePingKey(teamId: string): Promise<string> {
    const candidate = randomBytes(16).toString('base64url');
    const created = await this.redis.hsetnx(this.keys.teamSettings(teamId), 'pingKey', candidate);
    if (created === 1) {
      await this.redis.set(this.keys.pingKey(candidate), teamId);
      return candidate;
    }
    return (await this.redis.hget(this.keys.teamSettings(teamId), 'pingKey'))!;
  }

  async teamForPingKey(pingKey: string): Promise<string | null> {
    return this.redis.get(this.keys.pingKey(pingKey));
  }
}
