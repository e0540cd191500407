import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitor } from '../../src/domain/monitor.js';
import { DEADLINE_LEAD_MS, Deadlines, fireTimeFor } from '../../src/scheduler/deadlines.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const logger = pino({ level: 'silent' });
const prefix = uniquePrefix('deadlines');
let redis: Redis;
let store: MonitorStore;
let deadlines: Deadlines;

beforeAll(() => {
  redis = connectTestRedis();
  const keys = new Keys(prefix);
  store = new MonitorStore(redis, keys);
  deadlines = new Deadlines(
    { url: TEST_REDIS_URL, maxRetriesPerRequest: null },
    keys,
    store,
    logger,
  );
});

afterAll(async () => {
  await deadlines.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

async function createMonitor(): Promise<string> {
  const monitor = buildMonitor(
    {
      id: newMonitorId(),
      token: newPingToken(),
      teamId: 'cli:deadlines',
      platform: 'cli',
      channelId: 'C1',
      name: `job-${Math.random().toString(36).slice(2, 8)}`,
      schedule: { kind: 'interval', periodSeconds: 60 },
      graceMs: 1000,
      maxRuntimeMs: null,
      createdBy: 'U1',
    },
    Date.now(),
  );
  await store.create(monitor);
  return monitor.id;
}

describe('deadline jobs', () => {
  it('shows why ids carry the fire time: BullMQ ignores a repeated id', async () => {
    const id = await createMonitor();
    const jobId = `probe-${id}`;
    await deadlines.queue.add('deadline', { monitorId: id, fireAt: 1 }, { jobId, delay: 60_000 });
    const second = await deadlines.queue.add(
      'deadline',
      { monitorId: id, fireAt: 2 },
      { jobId, delay: 1 },
    );
    // The returned job shows the new data, but Redis still holds the first one.
    expect(second.data.fireAt).toBe(2);
    const stored = await deadlines.queue.getJob(jobId);
    expect(stored?.data.fireAt).toBe(1);
    await deadlines.queue.remove(jobId);
  });

  it('arms a new job id when the deadline moves earlier', async () => {
    const id = await createMonitor();
    const now = Date.now();
    await deadlines.ensureArmed(id, null, now + 120_000, now);
    await deadlines.ensureArmed(id, fireTimeFor(now + 120_000), now + 30_000, now);
    const stored = await store.get(id);
    expect(stored?.armedAt).toBe(now + 30_001);
    const job = await deadlines.queue.getJob(Deadlines.jobId(id, now + 30_001));
    expect(await job?.getState()).toBe('delayed');
    const old = await deadlines.queue.getJob(Deadlines.jobId(id, now + 120_001));
    expect(old).toBeUndefined();
  });

  it('leaves the job alone when the deadline moves later', async () => {
    const id = await createMonitor();
    const now = Date.now();
    await deadlines.ensureArmed(id, null, now + 30_000, now);
    await deadlines.ensureArmed(id, now + 30_001, now + 90_000, now);
    const stored = await store.get(id);
    expect(stored?.armedAt).toBe(now + 30_001);
  });

  it('arms again after a passed fire time', async () => {
    // The job of a fire time that has passed has run, or is running and may re-arm from the
    // monitor as it was before this write.
    const id = await createMonitor();
    const now = Date.now();
    await deadlines.ensureArmed(id, null, now - 5000, now - 10_000);
    await deadlines.ensureArmed(id, now - 4999, now + 60_000, now);
    const stored = await store.get(id);
    expect(stored?.armedAt).toBe(now + 60_001);
    const job = await deadlines.queue.getJob(Deadlines.jobId(id, now + 60_001));
    expect(await job?.getState()).toBe('delayed');
    expect(await deadlines.queue.getJob(Deadlines.jobId(id, now - 4999))).toBeUndefined();
  });

  it('holds a 31-day deadline in Redis, not in a timer', async () => {
    const id = await createMonitor();
    const now = Date.now();
    const dueAt = now + 31 * 86_400_000 + 3_600_000;
    await deadlines.ensureArmed(id, null, dueAt, now);
    const job = await deadlines.queue.getJob(Deadlines.jobId(id, dueAt + 1));
    expect(await job?.getState()).toBe('delayed');
    // The delay counts from the add, so the job's own timestamp plus delay is its start, the
    // lead before its fire time.
    expect(job!.timestamp + job!.opts.delay!).toBe(dueAt + 1 - DEADLINE_LEAD_MS);
  });

  it('starts the lead before fireAt after a late add', async () => {
    const id = await createMonitor();
    // A caller that read the clock 5 s before the add, as a re-arm does before a slow round trip.
    const now = Date.now() - 5000;
    const dueAt = now + 60_000;
    await deadlines.ensureArmed(id, null, dueAt, now);
    const jobId = Deadlines.jobId(id, dueAt + 1);
    const job = await deadlines.queue.getJob(jobId);
    const startAt = dueAt + 1 - DEADLINE_LEAD_MS;
    expect(job!.timestamp + job!.opts.delay!).toBe(startAt);
    // BullMQ orders delayed jobs by start time × 4096, plus a counter for jobs of the same ms.
    const score = Number(await redis.zscore(deadlines.queue.toKey('delayed'), jobId));
    expect(Math.floor(score / 4096)).toBe(startAt);
    // The job keeps its timestamp in a field of its own, not in its stored options.
    expect(JSON.parse((await redis.hget(deadlines.queue.toKey(jobId), 'opts')) ?? '{}')).toEqual({
      delay: 60_001 - DEADLINE_LEAD_MS,
      attempts: 0,
    });
  });

  it('rejects a re-arm from a job that lost the race', async () => {
    const id = await createMonitor();
    const now = Date.now();
    await deadlines.ensureArmed(id, null, now + 10_000, now);
    await deadlines.rearm(id, now + 99_999, now + 50_000, now);
    const stored = await store.get(id);
    expect(stored?.armedAt).toBe(now + 10_001);
  });
});
