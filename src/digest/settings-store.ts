import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { DigestKeys } from './keys.js';
import { DEFAULT_DIGEST_SCHEDULE, type DigestSchedule } from './schedule.js';

const hour = z.number().int().min(0).max(23);
const minute = z.number().int().min(0).max(59);
const scheduleSchema = z.union([
  z.object({ cadence: z.literal('off') }),
  z.object({ cadence: z.literal('daily'), hour, minute }),
  z.object({ cadence: z.literal('weekly'), weekday: z.number().int().min(0).max(6), hour, minute }),
]);

/** Each team's digest schedule. A team that never set one gets the weekly Monday 09:00 digest. */
export class DigestSettingsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DigestKeys,
  ) {}

  async get(teamId: string): Promise<DigestSchedule> {
    const value = await this.redis.get(this.keys.teamSchedule(teamId));
    if (value === null) return DEFAULT_DIGEST_SCHEDULE;
    const parsed = scheduleSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : DEFAULT_DIGEST_SCHEDULE;
  }

  async set(teamId: string, schedule: DigestSchedule): Promise<void> {
    await this.redis.set(this.keys.teamSchedule(teamId), JSON.stringify(schedule));
  }
}
