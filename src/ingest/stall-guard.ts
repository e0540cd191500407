import { InFlight } from './in-flight.js';
import { StoreStalledError } from './recorder.js';

/**
 * Fails the store calls of pings when Redis keeps its connection but stops responding (paused,
 * stuck in a slow script, swapping). While calls wait and none has finished for `timeoutMs`,
 * every waiting call rejects with StoreStalledError, so its ping gets 503. One timer for
 * all calls, instead of one per Redis command as ioredis's `commandTimeout` sets, which cost
 * a third more CPU per ping in the benchmark.
 */
export class StallGuard {
  private readonly waiting = new InFlight<(error: Error) => void>();
  private lastSettledAt: number;
  private timer: NodeJS.Timeout | null = null;

  /**
   * `onStall` runs when the guard gives up on the waiting calls, before they reject. It lets
   * the recorder drop the pings it has not sent to Redis yet, with an error that marks them as
   * not sent.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly clock: () => number = Date.now,
    private readonly onStall: (() => void) | null = null,
  ) {
    this.lastSettledAt = clock();
  }

  /** Resolves or rejects as `work` does, or rejects once the store has stalled. */
  guard<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) this.lastSettledAt = this.clock();
      const leave = this.waiting.add(reject);
      this.startTimer();
      const settle = () => {
        leave();
        this.lastSettledAt = this.clock();
      };
      work.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  private startTimer(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.check(), Math.max(100, Math.floor(this.timeoutMs / 5)));
    this.timer.unref();
  }

  private check(): void {
    if (this.waiting.size === 0) {
      if (this.timer !== null) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    const silentMs = this.clock() - this.lastSettledAt;
    if (silentMs < this.timeoutMs) return;
    const error = new StoreStalledError(`Redis did not respond for ${silentMs} ms`);
    // Promise callbacks run as microtasks, so no call leaves the list during this walk.
    const stalled: ((error: Error) => void)[] = [];
    this.waiting.forEach((reject) => {
      stalled.push(reject);
    });
    this.waiting.clear();
    if (this.onStall === null) {
      for (const reject of stalled) reject(error);
      return;
    }
    // The calls that `onStall` rejects settle within this turn's microtasks, so their own
    // errors come first. The rest reject with the stall error in the next turn.
    this.onStall();
    setImmediate(() => {
      for (const reject of stalled) reject(error);
    });
  }
}
