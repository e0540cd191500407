// The worker of the lateness floor (bench/floor.ts): a BullMQ worker on the deadline queue with
// the service's settings, whose jobs do only what no alert can skip. Each job starts its lead
// before its fire time and waits for it, as the service's deadline jobs do. Then it re-arms its
// monitor with a new delayed job. With FLOOR_POST set, it first posts one small message through
// the service's Slack client.
//
// Environment: REDIS_URL, FLOOR_PREFIX (the queue prefix), FLOOR_POST (the Slack stand-in's API
// URL, or empty for no post). Without a post, it reports when each job started, in batches over
// the IPC channel.

import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { MessageClient } from '../src/bot/slack/message-client.js';
import { DEADLINE_QUEUE, DeadlineQueue, Deadlines } from '../src/scheduler/deadlines.js';
import { workerLockOptions } from '../src/scheduler/redis-retry.js';
import { SINK_BOT_TOKEN } from './slack-sink.js';

const HOUR_MS = 3_600_000;
const REPORT_EVERY_MS = 50;

const url = process.env.REDIS_URL;
const prefix = process.env.FLOOR_PREFIX;
if (!url || !prefix)
  throw new Error(
    'floor worker: REDIS_URL or FLOOR_PREFIX is missing; run it through bench/floor.ts',
  );
const postUrl = process.env.FLOOR_POST ?? '';

const connection = { url, maxRetriesPerRequest: null };
const queue = new DeadlineQueue(DEADLINE_QUEUE, { connection, prefix });
const client =
  postUrl === ''
    ? null
    : new MessageClient({ apiUrl: postUrl, token: SINK_BOT_TOKEN, timeoutMs: 10_000 });

let started: [string, number][] = [];
const reporter = setInterval(() => {
  if (started.length === 0) return;
  process.send?.(started);
  started = [];
}, REPORT_EVERY_MS);

const worker = new Worker(
  DEADLINE_QUEUE,
  async (job) => {
    const target = job.id === undefined ? null : Deadlines.parseJobId(job.id);
    if (target === null) throw new Error(`floor worker: invalid deadline job id ${job.id}`);
    const { monitorId, fireAt } = target;
    const waitMs = fireAt - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    if (client === null) {
      started.push([monitorId, Date.now()]);
    } else {
      await client.call('chat.postMessage', {
        channel: 'C0FLOOR0001',
        text: `${monitorId} is late`,
        metadata: { event_type: 'drumbeat_alert', event_payload: { monitor_id: monitorId } },
      });
    }
    const now = Date.now();
    const next = Deadlines.jobFor(monitorId, now + HOUR_MS, now);
    await queue.add(next.name, next.data, next.opts);
  },
  {
    connection,
    prefix,
    // The deadline worker's settings.
    concurrency: 2000,
    ...workerLockOptions(),
    removeOnComplete: { count: 0 },
    removeOnFail: { age: 86_400 },
  },
);

process.on('SIGTERM', () => {
  clearInterval(reporter);
  client?.close();
  Promise.all([worker.close(), queue.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

await worker.waitUntilReady();
console.log('floor worker ready');
