import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkRedisSettings } from './store/redis-settings.js';

// Maximum wait for one check, in ms. BullMQ's connections queue commands while Redis is away,
// so without it /readyz would hang instead of returning 503.
const CHECK_TIMEOUT_MS = 2000;

export interface ReadinessParts {
  redis: Redis;
  /** Queues this process adds jobs to, by name. */
  queues: Record<string, Queue>;
  /** Workers this process runs, by queue name; none in a web-only process. */
  workers: Record<string, Worker>;
}

export type QueueHealth =
  | { status: 'ok'; waiting: number; delayed: number; active: number; failed: number }
  | { status: 'unreachable' };

export interface ReadinessReport {
  status: 'ok' | 'unhealthy';
  redis: 'ok' | 'unreachable';
  /** Redis settings that would lose deadlines, each naming the setting and the fix. */
  redisSettings: string[];
  /**
   * Redis settings that lose what changed since the last save when Redis restarts, such as
   * persistence turned off. They are reported without making the process unready.
   */
  redisWarnings: string[];
  queues: Record<string, QueueHealth>;
  workers: Record<string, 'running' | 'stopped'>;
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function queueHealth(queue: Queue): Promise<QueueHealth> {
  try {
    const counts = await withTimeout(queue.getJobCounts('waiting', 'delayed', 'active', 'failed'));
    return {
      status: 'ok',
      waiting: counts.waiting ?? 0,
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      failed: counts.failed ?? 0,
    };
  } catch {
    return { status: 'unreachable' };
  }
}

/**
 * Checks what this process needs to do its work: Redis responds and keeps its data
 * (`maxmemory-policy noeviction`), the BullMQ queues are reachable, and the workers run.
 */
export async function checkReadiness(parts: ReadinessParts): Promise<ReadinessReport> {
  // The checks run side by side, so a Redis that does not respond costs one timeout, not three.
  const entries = Object.entries(parts.queues);
  const [reachable, settingsReport, healths] = await Promise.all([
    withTimeout(parts.redis.ping()).then(
      () => true,
      () => false,
    ),
    withTimeout(checkRedisSettings(parts.redis)).catch(() => null),
    Promise.all(entries.map(([, queue]) => queueHealth(queue))),
  ]);
  const report = reachable ? settingsReport : null;
  const settings = report?.problems ?? [];
  const queues = Object.fromEntries(entries.map(([name], i) => [name, healths[i]!]));
  const workers: Record<string, 'running' | 'stopped'> = {};
  for (const [name, worker] of Object.entries(parts.workers)) {
    workers[name] = worker.isRunning() ? 'running' : 'stopped';
  }
  const healthy =
    reachable &&
    settings.length === 0 &&
    Object.values(queues).every((queue) => queue.status === 'ok') &&
    Object.values(workers).every((state) => state === 'running');
  return {
    status: healthy ? 'ok' : 'unhealthy',
    redis: reachable ? 'ok' : 'unreachable',
    redisSettings: settings,
    redisWarnings: report?.warnings ?? [],
    queues,
    workers,
  };
}
