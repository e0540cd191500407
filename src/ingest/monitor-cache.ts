import type { Monitor } from '../domain/types.js';
import type { StoredMonitor } from '../store/codec.js';
import { BoundedCache } from './bounded-cache.js';

/**
 * Monitors as this process last wrote them, so that a ping can be written with compare-and-set
 * without reading its monitor first.
 *
 * Each entry is created once and then updated in place. When each ping's new monitor object was
 * stored instead, every version outlived a scavenge of the young generation and was promoted.
 * With 1,000 monitors under full load, the web process then promoted about 1.3 MB per scavenge
 * and paused for 2 to 5 ms each time (`--trace-gc-nvp`). In place, and with the requests in
 * progress kept in linked lists (see in-flight.ts), it promotes about 100 KB per scavenge.
 */
export class MonitorCache {
  private readonly entries: BoundedCache<string, StoredMonitor>;

  constructor(maxEntries: number) {
    this.entries = new BoundedCache(maxEntries);
  }

  /** Returns a copy of the cached monitor, which stays valid when the entry changes later. */
  get(id: string): StoredMonitor | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    return { monitor: { ...entry.monitor }, armedAt: entry.armedAt };
  }

  /**
   * Stores the monitor as written. A write of an older generation, finished after a newer one,
   * leaves the newer one in place.
   */
  set(id: string, monitor: Monitor, armedAt: number | null): void {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.entries.set(id, { monitor: { ...monitor }, armedAt });
      return;
    }
    if (monitor.generation < entry.monitor.generation) return;
    // Monitor has no optional fields, so every field of the entry is overwritten.
    Object.assign(entry.monitor, monitor);
    entry.armedAt = armedAt;
    // Setting the same entry again makes it the last to be evicted.
    this.entries.set(id, entry);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
