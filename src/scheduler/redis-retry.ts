// Retry timing of BullMQ's queues and workers after a Redis connection error. BullMQ's defaults
// are 15 s before a worker fetches jobs again and up to 20 s between reconnection attempts.
// With them, deadline jobs and deliveries started up to that much later than Redis came back
// after an outage.

import { DEFAULT_JOB_LOCK_MS } from '../config-variables.js';

/** Wait before a worker fetches jobs again after a Redis error, in ms (`runRetryDelay`). */
export const WORKER_RETRY_DELAY_MS = 1000;

/**
 * Returns the lock settings of a BullMQ worker whose locks last `lockMs` (default 5,000).
 * BullMQ renews a running job's lock every half of that, and its stalled check runs as often.
 * A check moves a job back to wait when an earlier check saw it active and its lock is gone
 * now. So a killed worker's jobs run again one to one and a half `lockMs` after their last
 * renewal. With BullMQ's defaults (30 s each), that took up to a minute.
 */
export function workerLockOptions(lockMs = DEFAULT_JOB_LOCK_MS): {
  lockDuration: number;
  stalledInterval: number;
} {
  return { lockDuration: lockMs, stalledInterval: Math.ceil(lockMs / 2) };
}

/** Returns the wait before a BullMQ connection's next reconnection attempt, in ms. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 250, 2000);
}

/** How long a stopping worker waits for jobs that BullMQ fetched before the pause, in ms. */
const STOP_SETTLE_MS = 50;

/** The parts of a BullMQ Worker that `JobTracker.stopWorker` uses. */
interface StoppableWorker {
  pause(doNotWaitActive?: boolean): Promise<void>;
  close(force?: boolean): Promise<void>;
}

/**
 * Tracks the jobs that a worker's processor runs, so that a stop can wait for them itself and
 * then close the worker with `force`. With BullMQ 6 and ioredis 5, a plain `close()` soon after
 * a Redis outage never finished: it waits for the blocking connection's `end` event, which did
 * not come while that connection waited to reconnect.
 */
export class JobTracker {
  private readonly running = new Set<Promise<unknown>>();

  /** The number of jobs running now. */
  get size(): number {
    return this.running.size;
  }

  /** Returns `work`, and keeps it until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => {
      this.running.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Stops fetching jobs, waits for the running ones and closes the worker's connections. */
  async stopWorker(worker: StoppableWorker): Promise<void> {
    await worker.pause(true);
    // A job that BullMQ fetched just before the pause reaches the processor after it, so the
    // set of running jobs must stay empty for a while before the forced close.
    // NOTE: a fetch that takes longer than that still leaves its job active in Redis until
    // BullMQ's stalled check moves it back, one to one and a half lock durations later.
    do {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      await new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_MS));
    } while (this.running.size > 0);
    await worker.close(true);
  }
}
