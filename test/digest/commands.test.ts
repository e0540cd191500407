// The replies of `/drumbeat digest <schedule>`, with the team settings on a real Redis.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/bot/commands/context.js';
import { replyToText } from '../../src/bot/text-reply.js';
import { DigestCommands } from '../../src/digest/commands.js';
import { DigestSource } from '../../src/digest/digest-source.js';
import { HistoryStore } from '../../src/digest/history-store.js';
import { DigestKeys } from '../../src/digest/keys.js';
import { DigestSettingsStore } from '../../src/digest/settings-store.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('digest-commands');
const NOW = Date.parse('2025-03-12T12:00:00Z');
const SET_ZONE_HINT = 'Set the team zone with /drumbeat timezone';
let redis: Redis;
let teams: TeamStore;
let commands: DigestCommands;

beforeAll(() => {
  redis = connectTestRedis();
  const digestKeys = new DigestKeys(prefix);
  const store = new MonitorStore(redis, new Keys(prefix));
  teams = new TeamStore(redis, new Keys(prefix));
  commands = new DigestCommands({
    source: new DigestSource(store, new HistoryStore(redis, digestKeys)),
    settings: new DigestSettingsStore(redis, digestKeys),
    teams,
    scheduling: { ensureTeam: async () => {}, schedule: async () => {} },
  });
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function context(teamId: string): CommandContext {
  return {
    platform: 'slack',
    teamId,
    userId: 'UOWNER',
    channelId: 'COPS',
    now: NOW,
    userTimezone: null,
  };
}

describe('digest schedule reply', () => {
  it('suggests a team zone when none is set', async () => {
    const out = replyToText(await commands.run('daily 9am', context('slack:TNOZONE')));
    expect(out).toContain('Digests now come daily at 09:00.');
    expect(out).toContain('UTC time');
    expect(out).toContain(SET_ZONE_HINT);
  });

  it('leaves out the zone hint once the team has a zone', async () => {
    await teams.setTimezone('slack:TZONED', 'Europe/Berlin');
    const out = replyToText(await commands.run('daily 9am', context('slack:TZONED')));
    expect(out).toContain('Digests now come daily at 09:00.');
    expect(out).toContain('Europe/Berlin time');
    expect(out).not.toContain(SET_ZONE_HINT);
  });
});
