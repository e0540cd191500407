import type { Logger } from 'pino';

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** Resolves with the promise's value, or with `TIMED_OUT` once `waitMs` has passed. */
export async function settleWithin<T>(
  promise: Promise<T>,
  waitMs: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, waitMs));
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a time budget on the monotonic clock. */
export function startBudget(budgetMs: number): { remainingMs(): number } {
  const startedAt = performance.now();
  return { remainingMs: () => Math.max(0, budgetMs - (performance.now() - startedAt)) };
}

/** Tasks that continue after the HTTP response was sent, so that `drain` can wait for them. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  /** Runs `task` in the background. It should handle its own errors, and others are logged. */
  track(task: Promise<unknown>): void {
    const tracked = task
      .catch((error: unknown) => this.logger.error({ err: error }, 'A background chat task failed'))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits up to `waitMs` for running tasks, and returns how many were still running then. */
  async drain(waitMs: number): Promise<number> {
    if (this.running.size === 0) return 0;
    await settleWithin(Promise.allSettled([...this.running]), waitMs);
    return this.running.size;
  }
}
