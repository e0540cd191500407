import type { PingInput } from '../domain/types.js';

/** The monitor a ping names: its UUID token, or a team's ping key and the monitor's slug. */
export type PingTarget =
  | { kind: 'token'; token: string }
  | { kind: 'slug'; pingKey: string; slug: string; create: boolean };

export type RecordResult =
  | { status: 'stored' }
  /** No monitor has the target. `unknownPingKey` is set when no team has a slug target's key. */
  | { status: 'not_found'; unknownPingKey?: boolean }
  /** A `?create=1` ping whose monitor could not be created, with the cause in one line. */
  | { status: 'not_created'; reason: string }
  /** A ping past its monitor's limit of `maxPings` per window of `windowSeconds`. */
  | { status: 'rate_limited'; retryAfterSeconds: number; maxPings: number; windowSeconds: number };

/**
 * Stores a ping and applies it to its monitor. Resolves only once the ping is durably in
 * Redis; rejects with `StoreUnavailableError` when Redis cannot take the write.
 */
export interface PingRecorder {
  record(target: PingTarget, input: PingInput): Promise<RecordResult>;
  /**
   * Gives up on the pings in progress that have not sent their write to Redis, because Redis
   * stopped responding. Each of them rejects with a `StoreStalledError` whose `sent` is false
   * and is never stored.
   */
  dropUnsent?(): void;
}

/**
 * Redis did not take a write, so the ping API returns 503 with Retry-After. `sent` is true when
 * the write had gone to Redis and failed on its way back, so that Redis may have applied it.
 */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
  readonly sent: boolean;

  constructor(message: string, options: ErrorOptions & { sent?: boolean } = {}) {
    super(message, options);
    this.sent = options.sent ?? false;
  }
}

/**
 * Other writers changed the monitor before each attempt to write the ping, as when many web
 * processes write one monitor at once.
 */
export class StoreContendedError extends StoreUnavailableError {
  override readonly name = 'StoreContendedError';
}

/**
 * Redis stopped responding while a write was on its way. The write may still be applied once
 * Redis responds again, so the 503 does not claim that the ping was not stored, unless `sent`
 * is false: the ping had not sent its write yet and is dropped.
 */
export class StoreStalledError extends StoreUnavailableError {
  override readonly name = 'StoreStalledError';

  constructor(message: string, options: ErrorOptions & { sent?: boolean } = {}) {
    super(message, { ...options, sent: options.sent ?? true });
  }
}
