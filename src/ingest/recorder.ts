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
   * Rejects the pings that wait for an earlier ping of their monitor to be written, because
   * Redis stopped responding. None of them was sent to Redis, so each rejects with a
   * `StoreStalledError` whose `sent` is false.
   */
  dropQueued?(): void;
}

/** Redis did not take a write, so the ping API returns 503 with Retry-After. */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
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
 * is false: the ping was still waiting for an earlier ping of its monitor and is dropped.
 */
export class StoreStalledError extends StoreUnavailableError {
  override readonly name = 'StoreStalledError';
  readonly sent: boolean;

  constructor(message: string, options: ErrorOptions & { sent?: boolean } = {}) {
    super(message, options);
    this.sent = options.sent ?? true;
  }
}
