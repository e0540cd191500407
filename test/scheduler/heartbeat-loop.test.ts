import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlertRenderer } from '../../src/bot/renderer.js';
import type { AlertView } from '../../src/bot/views.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { DeadlineWorker } from '../../src/scheduler/deadline-worker.js';
import {
  DEADLINE_LEAD_MS,
  type DeadlineJobData,
  Deadlines,
  deadlineTarget,
  fireTimeFor,
} from '../../src/scheduler/deadlines.js';
import { IngestHeartbeat } from '../../src/scheduler/ingest-heartbeat.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue, NotificationWorker } from '../../src/scheduler/notifications.js';
import { DeliveryError, type MessageRef, type Notifier } from '../../src/scheduler/notifier.js';
import { Sweep } from '../../src/scheduler/sweep.js';
import { DeliveryStore } from '../../src/store/deliveries.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { pingFixture } from '../support/monitors.js';
import {
  connectTestRedis,
  deletePrefix,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
} from '../support/redis.js';

/** Records what the workers deliver, in the order they deliver it. */
class RecordingNotifier implements Notifier {
  readonly platform = 'cli' as const;
  readonly posts: { channelId: string; view: AlertView; ref: MessageRef }[] = [];
  /** Posts to fail with a transient error before posting again, as Slack's 503 would. */
  failPosts = 0;
  failedPosts = 0;
  /** The Retry-After of the failures, as Slack's 429 would give, or null for a 503. */
  failRetryAfterMs: number | null = null;
  /** When each failed post was made, and when each post went out. */
  readonly failedAt: number[] = [];
  readonly postedAt = new Map<string, number>();
  /** How long the next posts take, as a slow Slack would. */
  postDelayMs = 0;
  /** Runs as each post arrives, before it is recorded. */
  onPost: (() => Promise<void>) | null = null;
  readonly updates: { ref: MessageRef; view: AlertView }[] = [];
  readonly replies: { ref: MessageRef; text: string; output: string | null }[] = [];

  async postAlert(channelId: string, view: AlertView): Promise<MessageRef> {
    if (this.failPosts > 0) {
      this.failPosts -= 1;
      this.failedPosts += 1;
      this.failedAt.push(Date.now());
      const retryAfter = this.failRetryAfterMs;
      const code = retryAfter === null ? 'http_503' : 'rate_limited';
      throw new DeliveryError('the stand-in failed this post', false, code, retryAfter);
    }
    if (this.postDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.postDelayMs));
    if (this.onPost) await this.onPost();
    this.postedAt.set(view.incidentId, Date.now());
    const ref = { platform: this.platform, channelId, messageId: `m${this.posts.length + 1}` };
    this.posts.push({ channelId, view, ref });
    return ref;
  }
  async updateAlert(ref: MessageRef, view: AlertView): Promise<void> {
    this.updates.push({ ref, view });
  }
  async postThreadReply(ref: MessageRef, text: string, output: string | null = null) {
    this.replies.push({ ref, text, output });
  }
}

/** A delivery store whose lock calls for some job ids arrive late, as from a slow worker. */
class LateLockDeliveries extends DeliveryStore {
  lateOwnerPrefix: string | null = null;
  lateLockMs = 0;

  override async lockPosting(
    monitorId: string,
    incidentId: string,
    owner: string,
    ttlMs: number,
  ): Promise<boolean> {
    if (this.lateOwnerPrefix !== null && owner.startsWith(this.lateOwnerPrefix)) {
      await new Promise((resolve) => setTimeout(resolve, this.lateLockMs));
    }
    return super.lockPosting(monitorId, incidentId, owner, ttlMs);
  }
}

const logger = pino({ level: 'silent' });
const prefix = uniquePrefix('loop');
let redis: Redis;
let store: MonitorStore;
let deadlines: Deadlines;
let notifications: NotificationQueue;
let events: MonitorEvents;
let notifier: RecordingNotifier;
let lateLocks: LateLockDeliveries;
let workers: { close(): Promise<void> }[];
let deadlineWorker: DeadlineWorker;
/** Ids of the notification jobs that ran, in order. */
const ranJobs: string[] = [];

beforeAll(async () => {
  redis = connectTestRedis();
  const keys = new Keys(prefix);
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  store = new MonitorStore(redis, keys);
  const teams = new TeamStore(redis, keys);
  deadlines = new Deadlines(connection, keys, store, logger);
  notifications = new NotificationQueue(connection, keys);
  events = new MonitorEvents(store, deadlines, notifications, logger, Date.now);
  notifier = new RecordingNotifier();
  lateLocks = new LateLockDeliveries(redis, keys);
  const shared = { connection, keys, store, logger, clock: Date.now };
  const notificationWorker = new NotificationWorker({
    ...shared,
    deliveries: lateLocks,
    notifiers: new Map([['cli', notifier]]),
    fallback: notifier,
    renderer: createAlertRenderer(teams),
  });
  notificationWorker.worker.on('active', (job) => ranJobs.push(job.id ?? ''));
  // As in the service: deadline jobs post the first message of the incidents they open.
  events.setFirstPoster(notificationWorker);
  deadlineWorker = new DeadlineWorker({
    ...shared,
    deadlines,
    events,
    heartbeat: new IngestHeartbeat(redis, keys, Date.now),
  });
  workers = [deadlineWorker, notificationWorker];
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await Promise.all([deadlines.close(), notifications.close()]);
  await deletePrefix(redis, prefix);
  await redis.quit();
});

async function createMonitor(periodSeconds: number, graceMs: number): Promise<Monitor> {
  const monitor = buildMonitor(
    {
      id: newMonitorId(),
      token: newPingToken(),
      teamId: 'cli:loop',
      platform: 'cli',
      channelId: `C-${periodSeconds}-${graceMs}`,
      name: `job-${Math.random().toString(36).slice(2, 8)}`,
      schedule: { kind: 'interval', periodSeconds },
      graceMs,
      maxRuntimeMs: null,
      createdBy: 'U1',
    },
    Date.now(),
  );
  await store.create(monitor);
  created.push(monitor);
  return monitor;
}

// Monitors of a few seconds' period would go on alerting every second after their test, and
// the deliveries of later tests would wait behind those. Each test's monitors are deleted
// from the store when it ends, which stops them without new alerts: their jobs find nothing.
const created: Monitor[] = [];
afterEach(async () => {
  for (const monitor of created.splice(0)) await store.delete(monitor);
});

function targetOf(job: { id?: string; data: DeadlineJobData }) {
  return deadlineTarget(job.id, job.data);
}

function lateAlertOf(monitor: Monitor) {
  return waitFor(
    () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
    8000,
    'late alert',
  );
}

function missedEditOf(post: { ref: MessageRef }) {
  return waitFor(
    () =>
      notifier.updates.find(
        (u) => u.ref.messageId === post.ref.messageId && u.view.kind === 'missed',
      ),
    8000,
    'missed edit',
  );
}

/** When the alert of `monitor` was posted. */
function postedAtOf(monitor: Monitor): number {
  const post = notifier.posts.find((p) => p.view.monitorId === monitor.id);
  return post ? (notifier.postedAt.get(post.view.incidentId) ?? Number.NaN) : Number.NaN;
}

/** Resolves with the time the deadline worker starts the job `jobId`. */
function startOf(jobId: string): Promise<number> {
  return new Promise((resolve) => {
    const onActive = (job: Job) => {
      if (job.id !== jobId) return;
      deadlineWorker.worker.off('active', onActive);
      resolve(Date.now());
    };
    deadlineWorker.worker.on('active', onActive);
  });
}

async function ping(monitor: Monitor, kind: 'success' | 'fail' | 'start' = 'success') {
  const input = pingFixture(kind);
  return events.apply(monitor.id, { type: 'ping', ping: input }, { pingAt: Date.now() });
}

describe('heartbeat loop on Redis and BullMQ', () => {
  it('alerts late, then missed in place, then recovers', async () => {
    const monitor = await createMonitor(1, 500);
    await ping(monitor);
    const post = await lateAlertOf(monitor);
    expect(post.view.title).toContain('is late');
    await missedEditOf(post);
    const postsForMonitor = notifier.posts.filter((p) => p.view.monitorId === monitor.id);
    expect(postsForMonitor).toHaveLength(1);

    await ping(monitor);
    const recovered = await waitFor(
      () =>
        notifier.updates.find(
          (u) => u.ref.messageId === post.ref.messageId && u.view.status === 'closed',
        ),
      8000,
      'recovery edit',
    );
    expect(recovered.view.title).toMatch(/recovered after/);
    expect(recovered.view.buttons).toEqual([]);
    await waitFor(
      () =>
        notifier.replies.find(
          (r) => r.ref.messageId === post.ref.messageId && r.text.startsWith('Recovered'),
        ),
      8000,
      'recovery thread reply',
    );
    const stored = await store.get(monitor.id);
    expect(stored?.monitor.state).toBe('up');
    expect(stored?.monitor.incident).toBeNull();
    const archived = await store.incidents(monitor.id, 10);
    expect(archived[0]?.closeReason).toBe('recovered');
  });

  it('replies to a repeated failure with its output', async () => {
    const monitor = await createMonitor(3600, 60_000);
    const fail = (body: string) => pingFixture('fail', { exitStatus: 3, body });
    await events.apply(monitor.id, { type: 'ping', ping: fail('first error') }, { pingAt: 1 });
    const post = await waitFor(
      () => notifier.posts.find((candidate) => candidate.view.monitorId === monitor.id),
      8000,
      'failed alert',
    );
    await events.apply(
      monitor.id,
      { type: 'ping', ping: fail('second error\u0000') },
      { pingAt: 2 },
    );

    const replies = await waitFor(() => {
      const found = notifier.replies.filter((r) => r.ref.messageId === post.ref.messageId);
      return found.length >= 2 ? found : undefined;
    }, 8000);
    // The alert now shows the second failure, so the first one goes to the thread before it.
    expect(replies.map(({ text, output }) => ({ text, output }))).toEqual([
      { text: 'The run failed, with exit status 3.', output: 'first error' },
      // The output is made safe for chat as the alert's is.
      { text: 'Failed again, with exit status 3.', output: 'second error\ufffd' },
    ]);
  });

  it('keeps one live deadline job per monitor', async () => {
    const monitor = await createMonitor(3600, 60_000);
    for (let i = 0; i < 5; i++) await ping(monitor);
    const delayed = await deadlines.queue.getDelayed();
    const mine = delayed.filter((job) => targetOf(job)?.monitorId === monitor.id);
    expect(mine).toHaveLength(1);
    const stored = await store.get(monitor.id);
    expect(targetOf(mine[0]!)?.fireAt).toBe(stored?.armedAt);
  });

  it('moves the deadline earlier for a start with a short run time', async () => {
    const monitor = await createMonitor(3600, 700);
    await ping(monitor);
    await ping(monitor, 'start');
    const post = await waitFor(
      () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
      8000,
      'hung alert',
    );
    expect(post.view.kind).toBe('hung');
    const delayed = await deadlines.queue.getDelayed();
    expect(
      delayed.filter((job) => targetOf(job)?.monitorId === monitor.id).length,
    ).toBeLessThanOrEqual(1);
  });

  it('does nothing when a stale deadline job fires', async () => {
    const monitor = await createMonitor(3600, 60_000);
    await ping(monitor);
    const before = await store.get(monitor.id);
    await deadlines.addJob(monitor.id, Date.now() - 5, Date.now());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await store.get(monitor.id);
    expect(after?.monitor.generation).toBe(before?.monitor.generation);
    expect(after?.monitor.state).toBe('up');
  });

  it('starts a deadline job its lead early and alerts at the fire time', async () => {
    const monitor = await createMonitor(2, 0);
    await ping(monitor);
    const armedAt = (await store.get(monitor.id))!.armedAt!;
    const started = startOf(Deadlines.jobId(monitor.id, armedAt));
    const post = await lateAlertOf(monitor);
    const startedAt = await started;
    expect(startedAt).toBeLessThan(armedAt - DEADLINE_LEAD_MS / 2);
    expect(notifier.postedAt.get(post.view.incidentId)).toBeGreaterThanOrEqual(armedAt);
  });

  it('alerts nothing for a ping during the lead', async () => {
    const monitor = await createMonitor(2, 0);
    await ping(monitor);
    const armedAt = (await store.get(monitor.id))!.armedAt!;
    await startOf(Deadlines.jobId(monitor.id, armedAt));
    // The job has read the monitor by now, and waits for its fire time.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Date.now()).toBeLessThan(armedAt);
    await ping(monitor);
    const dueAt = (await store.get(monitor.id))!.monitor.dueAt;

    // The job finds the ping at its fire time and arms the monitor for the new deadline.
    const rearmed = await waitFor(
      async () => {
        const stored = await store.get(monitor.id);
        return stored?.armedAt !== armedAt ? stored : undefined;
      },
      8000,
      're-armed after the ping',
    );
    expect(rearmed?.armedAt).toBe(fireTimeFor(dueAt));
    expect(rearmed?.monitor.state).toBe('up');
    expect(Date.now()).toBeGreaterThanOrEqual(armedAt);
    expect(notifier.posts.filter((p) => p.view.monitorId === monitor.id)).toHaveLength(0);
  });

  it('retries a check that failed without Redis', async () => {
    const monitor = await createMonitor(2, 0);
    await ping(monitor);
    const armedAt = (await store.get(monitor.id))!.armedAt!;
    const started = startOf(Deadlines.jobId(monitor.id, armedAt));

    // The job's first two reads of the monitor fail as ioredis fails a command while its
    // connection is down. This worker has no connection to watch, so it tries again each 1 s.
    let failed = 0;
    const get = store.get.bind(store);
    const spy = vi.spyOn(store, 'get').mockImplementation(async (id) => {
      if (id === monitor.id && failed < 2) {
        failed++;
        throw new Error('Connection is closed.');
      }
      return get(id);
    });
    try {
      const post = await lateAlertOf(monitor);
      const startedAt = await started;
      expect(failed).toBe(2);
      const postedAt = notifier.postedAt.get(post.view.incidentId)!;
      expect(postedAt).toBeGreaterThanOrEqual(startedAt + 2000);
      expect(postedAt).toBeGreaterThanOrEqual(armedAt);
      expect(notifier.posts.filter((p) => p.view.monitorId === monitor.id)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves a deadline to the job armed for it after a conflict', async () => {
    const monitor = await createMonitor(3600, 60_000);
    await ping(monitor);
    const read = (await store.get(monitor.id))!;
    const jobFireAt = read.armedAt!;
    // A write since the job's read, and a fire time moved with it, as a start with a short run
    // time moves it; the job of the new time is armed.
    await ping(monitor);
    expect(await store.setArmed(monitor.id, jobFireAt, jobFireAt - 1000)).toBe(true);
    // Two hours on, the deadline has passed.
    const later = new MonitorEvents(
      store,
      deadlines,
      notifications,
      logger,
      () => Date.now() + 7_200_000,
    );
    const deadline = { type: 'deadline' as const, ingestUpSince: null };

    const stale = await later.apply(monitor.id, deadline, {
      stored: read,
      fromDeadlineJob: true,
      armedAt: jobFireAt,
    });
    expect(stale.status).toBe('not_found');
    expect((await store.get(monitor.id))?.monitor.state).toBe('up');

    const armed = await later.apply(monitor.id, deadline, {
      stored: read,
      fromDeadlineJob: true,
      armedAt: jobFireAt - 1000,
    });
    expect(armed.status).toBe('applied');
    expect(armed.status === 'applied' ? armed.transition.changed : null).toBe(true);
    expect((await store.get(monitor.id))?.monitor.state).not.toBe('up');
  });

  it('re-adds a lost deadline job in the sweep', async () => {
    const monitor = await createMonitor(1, 200);
    await ping(monitor);
    const stored = await store.get(monitor.id);
    await deadlines.queue.remove(Deadlines.jobId(monitor.id, stored!.armedAt!));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(notifier.posts.some((p) => p.view.monitorId === monitor.id)).toBe(false);
    const overdueSweep = new Sweep({
      store,
      deadlines,
      events,
      logger,
      clock: Date.now,
      overdueMs: 100,
    });
    expect(await overdueSweep.repairOverdue()).toBeGreaterThanOrEqual(1);
    await waitFor(
      () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
      5000,
      'late alert after sweep',
    );
  });

  it('leaves a deadline re-armed since its read', async () => {
    const monitor = await createMonitor(3600, 60_000);
    await ping(monitor);
    const { armedAt } = (await store.get(monitor.id))!;
    // The armed set as the sweep read it, before a re-arm moved the fire time to `armedAt`.
    await redis.zadd(new Keys(prefix).armed(), Date.now() - 60_000, monitor.id);
    const sweep = new Sweep({ store, deadlines, events, logger, clock: Date.now, overdueMs: 100 });

    expect(await sweep.repairOverdue()).toBe(0);
    const job = await deadlines.queue.getJob(Deadlines.jobId(monitor.id, armedAt!));
    expect(await job?.getState()).toBe('delayed');
  });
});

describe('deadline job data', () => {
  it('alerts from a job without data', async () => {
    const monitor = await createMonitor(1, 300);
    await ping(monitor);
    const { armedAt } = (await store.get(monitor.id))!;
    const jobKey = deadlines.queue.toKey(Deadlines.jobId(monitor.id, armedAt!));
    expect(await redis.hget(jobKey, 'data')).toBe('{}');
    expect(await redis.hget(jobKey, 'name')).toBe('deadline');
    // A job hash past `hash-max-listpack-value` or `-entries` takes about twice the memory.
    expect(await redis.object('ENCODING', jobKey)).toBe('listpack');

    const post = await lateAlertOf(monitor);
    expect(post.view.title).toContain('is late');
  });

  it('alerts from the data of an older job', async () => {
    const monitor = await createMonitor(2, 300);
    await ping(monitor);
    const { armedAt } = (await store.get(monitor.id))!;
    await deadlines.queue.remove(Deadlines.jobId(monitor.id, armedAt!));
    // Earlier versions stored both in the data. Read as base 36, the decimal fire time in this
    // id is past 2^53, so the job alerts only if the worker reads the data.
    const jobId = `${monitor.id}-${armedAt}`;
    expect(Deadlines.parseJobId(jobId)).toBeNull();
    await deadlines.queue.add(
      'deadline',
      { monitorId: monitor.id, fireAt: armedAt! },
      { jobId, delay: armedAt! - Date.now() },
    );

    const post = await lateAlertOf(monitor);
    expect(post.view.title).toContain('is late');
    // A failed job stays in Redis for a day, and a completed one is removed.
    await waitFor(
      async () => ((await deadlines.queue.getJob(jobId)) === undefined ? true : undefined),
      2000,
      'the job to complete',
    );
  });

  it('posts a held incident at silence end', async () => {
    const monitor = await createMonitor(1, 300);
    const until = Date.now() + 2500;
    await events.apply(monitor.id, { type: 'silence', until, by: 'U1' });
    await ping(monitor);
    const silenceJob = await deadlines.queue.getJob(`silence-${monitor.id}-${until}`);
    expect(silenceJob?.data).toEqual({ monitorId: monitor.id, fireAt: until, silenceEnd: true });

    // The deadline passes during the silence: the incident opens, and no alert is posted.
    await waitFor(
      async () => ((await store.get(monitor.id))?.monitor.incident ? true : undefined),
      until - Date.now(),
      'incident during the silence',
    );
    expect(notifier.posts.some((p) => p.view.monitorId === monitor.id)).toBe(false);

    const post = await waitFor(
      () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
      8000,
      'alert after the silence',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(post.view.monitorId).toBe(monitor.id);
    const stored = await store.get(monitor.id);
    expect(stored?.monitor.silencedUntil).toBeNull();
  });

  it('parses deadline job ids', () => {
    const fireAt = 1_796_405_450_303;
    const jobId = Deadlines.jobId('vbhjeerqcuguteek', fireAt);
    expect(Deadlines.parseJobId(jobId)).toEqual({ monitorId: 'vbhjeerqcuguteek', fireAt });
    for (const invalid of ['', 'vbhjeerqcuguteek', '-mx9bqtsn', 'abc-', 'abc-MX9', 'abc-0mx9']) {
      expect(Deadlines.parseJobId(invalid), invalid).toBeNull();
    }
  });
});

describe('delivery that runs twice', () => {
  afterEach(() => {
    notifier.postDelayMs = 0;
    lateLocks.lateOwnerPrefix = null;
  });

  async function deliverTwiceMore(postDelayMs: number, lateLockMs: number) {
    const monitor = await createMonitor(3600, 60_000);
    notifier.postDelayMs = postDelayMs;
    lateLocks.lateOwnerPrefix = 'again-';
    lateLocks.lateLockMs = lateLockMs;
    await ping(monitor, 'fail');
    const stored = await store.get(monitor.id);
    const incident = stored!.monitor.incident!;
    const snapshot = {
      monitor: stored!.monitor,
      team: { teamId: monitor.teamId, platform: monitor.platform, channelId: monitor.channelId },
      incident,
    };
    // A stalled job runs again: the same delivery under other job ids.
    const jobIds = [`again-1-${incident.id}`, `again-2-${incident.id}`];
    for (const jobId of jobIds) await notifications.add(jobId, { type: 'sync_alert', snapshot });
    // A job that waits for the lock retries after a second. Under the load of the whole suite
    // that has taken a few seconds, so the wait is generous. Completed jobs are removed.
    await waitFor(
      async () => {
        const ran = jobIds.every((id) => ranJobs.includes(id));
        const left = await Promise.all(jobIds.map((id) => notifications.queue.getJob(id)));
        return ran && left.every((job) => job === undefined) ? true : undefined;
      },
      15_000,
      'both deliveries to finish',
    );
    return incident;
  }

  it('posts once for three deliveries', async () => {
    const incident = await deliverTwiceMore(0, 0);
    expect(notifier.posts.filter((p) => p.view.incidentId === incident.id)).toHaveLength(1);
    expect(notifier.updates.filter((u) => u.view.incidentId === incident.id)).toHaveLength(2);
  });

  it('edits after a late lock', async () => {
    // The queued delivery takes 300 ms to post. The other two find no message, then lock
    // 800 ms later, after the first delivery has posted and released the lock.
    const incident = await deliverTwiceMore(300, 800);
    expect(notifier.posts.filter((p) => p.view.incidentId === incident.id)).toHaveLength(1);
    expect(notifier.updates.filter((u) => u.view.incidentId === incident.id)).toHaveLength(2);
  });
});

describe('first post from the deadline job', () => {
  it('posts without a notification job', async () => {
    const monitor = await createMonitor(1, 500);
    await ping(monitor);
    const post = await lateAlertOf(monitor);
    const incidentId = post.view.incidentId;
    expect(ranJobs.filter((id) => id.includes(incidentId))).toEqual([]);
    expect(await redis.llen(new Keys(prefix).outbox(monitor.id))).toBe(0);
    expect(await redis.sismember(new Keys(prefix).outboxPending(), monitor.id)).toBe(0);
    const deliveries = new DeliveryStore(redis, new Keys(prefix));
    expect(await deliveries.get(monitor.id, incidentId)).toEqual(post.ref);

    const missed = await missedEditOf(post);
    expect(missed.view.incidentId).toBe(incidentId);
    expect(ranJobs.some((id) => id.startsWith(`sync-${incidentId}-`))).toBe(true);
    expect(notifier.posts.filter((p) => p.view.monitorId === monitor.id)).toHaveLength(1);
  });

  it('leaves a failed first post to the queue, which posts it once', async () => {
    const failedBefore = notifier.failedPosts;
    notifier.failPosts = 1;
    notifier.failRetryAfterMs = null;
    // The next run is missed 3 s after the late alert, well after the retry.
    const monitor = await createMonitor(3, 500);
    await ping(monitor);
    const post = await waitFor(
      () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
      10_000,
      'late alert through the queue',
    );
    expect(notifier.failedPosts).toBe(failedBefore + 1);
    expect(ranJobs.some((id) => id.startsWith(`sync-${post.view.incidentId}-`))).toBe(true);
    // The queued delivery waits out the first step of the backoff, 1 s.
    const waited = notifier.postedAt.get(post.view.incidentId)! - notifier.failedAt.at(-1)!;
    expect(waited).toBeGreaterThanOrEqual(950);
    // The queue's post after a failed attempt is the only message of the incident.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const posts = notifier.posts.filter((p) => p.view.incidentId === post.view.incidentId);
    expect(posts).toHaveLength(1);
  });

  it('waits out the Retry-After of a failed first post', async () => {
    notifier.failPosts = 1;
    notifier.failRetryAfterMs = 2500;
    try {
      // The next run is missed 5 s after the late alert, after the Retry-After has passed.
      const monitor = await createMonitor(5, 500);
      await ping(monitor);
      const post = await waitFor(
        () => notifier.posts.find((p) => p.view.monitorId === monitor.id),
        15_000,
        'late alert after Retry-After',
      );
      const waited = notifier.postedAt.get(post.view.incidentId)! - notifier.failedAt.at(-1)!;
      expect(waited).toBeGreaterThanOrEqual(2450);
    } finally {
      notifier.failRetryAfterMs = null;
    }
  });

  it('posts once when the outbox is drained during a slow post', async () => {
    notifier.postDelayMs = 1500;
    try {
      const monitor = await createMonitor(1, 500);
      await ping(monitor);
      // The sweep drains outboxes while the first post is still waiting for the chat API.
      await waitFor(
        async () =>
          (await redis.llen(new Keys(prefix).outbox(monitor.id))) > 0 ? true : undefined,
        8000,
        'first post under way',
      );
      await events.drainOutbox(monitor.id);
      const post = await lateAlertOf(monitor);
      notifier.postDelayMs = 0;
      // The drained delivery waits for the posting lock, then edits the posted message.
      await waitFor(
        () => notifier.updates.find((u) => u.ref.messageId === post.ref.messageId),
        10_000,
        'edit by the drained delivery',
      );
      const posts = notifier.posts.filter((p) => p.view.incidentId === post.view.incidentId);
      expect(posts).toHaveLength(1);
    } finally {
      notifier.postDelayMs = 0;
    }
  });

  it('holds re-arms until a burst is out', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, () => createMonitor(2, 0)));
    // Deadlines 20 ms apart, and posts that take longer than all of them: each job is still
    // before its post when the first job's post is done.
    for (const monitor of burst) {
      await ping(monitor);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const ids = burst.map((monitor) => monitor.id);
    // When each of the burst's deadline jobs ended.
    const endedAt: number[] = [];
    const onCompleted = (job: Job) => {
      if (ids.includes(targetOf(job)?.monitorId ?? '')) endedAt.push(Date.now());
    };
    deadlineWorker.worker.on('completed', onCompleted);
    const firstFires = new Map<string, number | null>();
    for (const [i, stored] of (await store.getMany(ids)).entries()) {
      firstFires.set(ids[i]!, stored?.armedAt ?? null);
    }

    // What each post saw: how many of the burst's monitors were armed past their first deadline.
    const rearmedAtPost: number[] = [];
    notifier.postDelayMs = 1000;
    notifier.onPost = async () => {
      const records = await store.getMany(ids);
      rearmedAtPost.push(records.filter((r, i) => r?.armedAt !== firstFires.get(ids[i]!)).length);
    };
    try {
      for (const monitor of burst) await lateAlertOf(monitor);
      await waitFor(() => endedAt.length >= burst.length || undefined, 8000, 'the jobs ended');
    } finally {
      notifier.postDelayMs = 0;
      notifier.onPost = null;
      deadlineWorker.worker.off('completed', onCompleted);
    }
    expect(rearmedAtPost).toHaveLength(burst.length);
    expect(rearmedAtPost).toEqual(burst.map(() => 0));
    // No job ended before the last post: BullMQ's closing script waited for the burst too.
    const lastPostAt = Math.max(...burst.map((m) => postedAtOf(m)));
    expect(Math.min(...endedAt)).toBeGreaterThanOrEqual(lastPostAt);

    // Then every monitor is armed for its next deadline.
    const rearmed = await waitFor(
      async () => {
        const records = await store.getMany(ids);
        const done = records.every((r, i) => r !== null && r.armedAt! > firstFires.get(ids[i]!)!);
        return done ? records : undefined;
      },
      8000,
      'the burst re-armed',
    );
    for (const stored of rearmed) {
      expect(stored?.armedAt).toBe(fireTimeFor(stored?.monitor.dueAt ?? null));
    }
  });
});
