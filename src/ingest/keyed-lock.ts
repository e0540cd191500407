interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A lock per key, granted in the order it was requested. The ping recorder holds a monitor's
 * lock while it writes a ping: pings that arrive together are then written one after the
 * other, each from the value the one before wrote, instead of racing each other in
 * compare-and-set. The map holds only keys whose lock is held.
 */
export class KeyedLock {
  /** The callers waiting for each held key, or null while none waits. */
  private readonly waiting = new Map<string, Waiter[] | null>();

  /** Keys whose lock is held. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Takes the lock of `key`. Returns null when it was free and is now the caller's, or a
   * promise that resolves once the holders before the caller have released it, or rejects
   * when `failWaiting` gives up on the caller. Every caller that gets the lock must call
   * `release` once.
   */
  acquire(key: string): Promise<void> | null {
    if (!this.waiting.has(key)) {
      this.waiting.set(key, null);
      return null;
    }
    let queue = this.waiting.get(key);
    if (!queue) {
      queue = [];
      this.waiting.set(key, queue);
    }
    const waiters = queue;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** Hands the lock of `key` to its next waiter, or frees it. */
  release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) next.resolve();
    else this.waiting.delete(key);
  }

  /** Rejects every caller that waits for a lock with `error`. The holders keep their locks. */
  failWaiting(error: Error): void {
    for (const [key, queue] of this.waiting) {
      if (queue === null) continue;
      this.waiting.set(key, null);
      for (const waiter of queue) waiter.reject(error);
    }
  }
}
