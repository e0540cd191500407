import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../../src/digest/history-recorder.js';
import { HistoryStore } from '../../src/digest/history-store.js';
import { DigestKeys } from '../../src/digest/keys.js';
import { transition } from '../../src/domain/machine.js';
import type { StoredChange } from '../../src/scheduler/monitor-events.js';
import { MINUTE, monitorFixture, pingFixture } from '../support/monitors.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('history-recorder');
const logger = pino({ level: 'silent' });
let redis: Redis;

beforeAll(() => {
  redis = connectTestRedis();
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** Builds a success ping on an up monitor of `teamId`, which adds nothing to the change log. */
function pingChange(teamId: string, id: string): StoredChange {
  const before = monitorFixture({
    id,
    teamId,
    state: 'up',
    lastPingAt: 0,
    expectedAt: 10 * MINUTE,
  });
  const event = { type: 'ping' as const, ping: pingFixture('success') };
  const now = 5 * MINUTE;
  const result = transition(before, event, now);
  return { before, after: result.monitor, event, transition: result, now };
}

describe('HistoryRecorder', () => {
  it('schedules a new team once for a burst of its changes', async () => {
    const seen: string[] = [];
    const recorder = new HistoryRecorder({
      store: new HistoryStore(redis, new DigestKeys(prefix)),
      logger,
      onTeamSeen: async (teamId) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen.push(teamId);
      },
    });
    const changes = ['a', 'b', 'c'].map((id) => pingChange('slack:TBURST', id));
    await Promise.all(changes.map((change) => recorder.changeStored(change)));
    expect(seen).toEqual(['slack:TBURST']);
    // A known team's ping has nothing to wait for, so no promise comes back.
    expect(recorder.changeStored(pingChange('slack:TBURST', 'd'))).toBeUndefined();
  });

  it('tries a team again after scheduling it failed', async () => {
    let calls = 0;
    const recorder = new HistoryRecorder({
      store: new HistoryStore(redis, new DigestKeys(prefix)),
      logger,
      onTeamSeen: async () => {
        calls += 1;
        if (calls === 1) throw new Error('Redis went away');
      },
    });
    await recorder.changeStored(pingChange('slack:TRETRY', 'a'));
    await recorder.changeStored(pingChange('slack:TRETRY', 'b'));
    expect(calls).toBe(2);
    expect(recorder.changeStored(pingChange('slack:TRETRY', 'c'))).toBeUndefined();
  });
});
