// The web processes' heartbeat on a real Redis, with a clock the test sets: the gaps it records
// and how long a deadline that passed in a gap waits for retried pings.

import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestHeartbeat } from '../../src/scheduler/ingest-heartbeat.js';
import { Keys } from '../../src/store/keys.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';

const THRESHOLD_MS = 30_000;
const redis: Redis = connectTestRedis();
let prefix: string;
let now: number;
let heartbeat: IngestHeartbeat;

beforeEach(async () => {
  prefix = uniquePrefix('heartbeat');
  now = 1_000_000;
  heartbeat = new IngestHeartbeat(redis, new Keys(prefix), () => now, THRESHOLD_MS);
});

afterEach(async () => {
  await deletePrefix(redis, prefix);
});

afterAll(() => {
  redis.disconnect();
});

/** Beats at each of `times`, and returns the status read after the last. */
async function beatAt(...times: number[]) {
  for (const time of times) {
    now = time;
    await heartbeat.beat();
  }
  // A new instance, because status() keeps its reading for a second.
  return new IngestHeartbeat(redis, new Keys(prefix), () => now, THRESHOLD_MS).status();
}

describe('ingest heartbeat gaps', () => {
  it('records no gap while beats keep time', async () => {
    const status = await beatAt(1_000_000, 1_005_000, 1_010_500);

    expect(heartbeat.gapMs).toBe(10_000);
    expect(status.gapFrom).toBeNull();
    expect(status.upSince).toBe(1_000_000);
    expect(heartbeat.inGap(status, 1_020_000)).toBe(false);
    expect(heartbeat.inGap(status, 1_020_501)).toBe(true);
  });

  it('records a restart of 13 s as a gap', async () => {
    const status = await beatAt(1_000_000, 1_005_000, 1_021_000);

    expect(status.gapFrom).toBe(1_005_000);
    expect(status.gapTo).toBe(1_021_000);
    // Shorter than the threshold, so the run that began before it goes on.
    expect(status.upSince).toBe(1_000_000);
  });

  it('holds a deadline of the gap until the threshold after it', async () => {
    const status = await beatAt(1_000_000, 1_005_000, 1_021_000);

    expect(heartbeat.holdUntil(status, 1_010_000)).toBe(1_051_000);
    expect(heartbeat.holdUntil(status, 1_030_000)).toBe(1_051_000);
    expect(heartbeat.holdUntil(status, 1_004_999)).toBeNull();
    expect(heartbeat.holdUntil(status, null)).toBeNull();
  });

  it('leaves a gap past the threshold to the fresh window', async () => {
    const status = await beatAt(1_000_000, 1_005_000, 1_040_000);

    expect(status.upSince).toBe(1_040_000);
    expect(status.gapFrom).toBe(1_005_000);
    expect(heartbeat.holdUntil(status, 1_010_000)).toBeNull();
  });
});
