import { createHash } from 'node:crypto';

/** Slack retries a delivery for up to about 5 minutes, and keys live twice as long. */
const DEFAULT_TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * Requests already taken, by delivery key, with what the first one produced. A repeated
 * delivery (Slack sends `X-Slack-Retry-Num` when its first attempt got no response in time)
 * finds its first attempt here and is not run again.
 *
 * NOTE: kept in process memory. With several web processes behind one URL, a repeat that
 * reaches another process runs again. Slack repeats only Events API deliveries, which this
 * app acknowledges without side effects, so commands and buttons are covered.
 */
export class RecentDeliveries<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = DEFAULT_TTL_MS,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  remember(key: string, value: T): void {
    // Map order is insertion order, so the first key is the oldest.
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Identifies one delivery of a request from Slack, the same across its retries. Slash
 * commands and interactions carry a `trigger_id` unique to each use, events an `event_id`.
 * The signature timestamp is left out on purpose: Slack signs each retry anew.
 */
export function deliveryKey(body: object): string {
  const fields = body as Record<string, unknown>;
  const type = typeof fields.type === 'string' ? fields.type : 'command';
  if (typeof fields.event_id === 'string') return `event:${fields.event_id}`;
  if (typeof fields.trigger_id === 'string' && fields.trigger_id !== '') {
    return `${type}:${fields.trigger_id}`;
  }
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return `${type}:sha256:${digest}`;
}
