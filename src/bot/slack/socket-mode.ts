// The Slack front end over Socket Mode: Bolt's SocketModeReceiver, with Drumbeat's own
// reconnect loop around its client. The client's built-in reconnect is off, because in
// @slack/socket-mode 3.1 a reconnect whose `apps.connections.open` fails with a network, HTTP
// or auth error ends as an unhandled promise rejection.

import { type Logger as BoltLogger, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { DeliveryError } from '../../scheduler/notifier.js';
import { settleWithin, TIMED_OUT } from '../timing.js';
import { toDeliveryError } from './delivery-errors.js';

/**
 * Maximum wait from the start of an attempt to Slack's `hello`. It is longer than the 10 s
 * per-call limit of `slackClientOptions`, so that with those options a timeout falls in the
 * WebSocket part of the attempt, after `apps.connections.open` returned.
 */
const CONNECT_TIMEOUT_MS = 15_000;
/** The delay before the first retry of a failed attempt. It doubles on each further failure. */
const MIN_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 60_000;
/** How long `stop` waits for the WebSocket close handshake. */
const DISCONNECT_WAIT_MS = 5000;

export interface SocketModeConnectionOptions {
  /** App-level token (`xapp-...`) with the `connections:write` scope. */
  appToken: string;
  /** Options of the Web API client that calls `apps.connections.open`, with its base URL. */
  clientOptions: webApi.WebClientOptions;
  logger: Logger;
  boltLogger: BoltLogger;
}

/** Stage of the connection. A permanent error leads to `failed`, after which nothing reconnects. */
type ConnectionState = 'idle' | 'connecting' | 'connected' | 'retrying' | 'failed';

/**
 * One Socket Mode connection to Slack, reopened whenever it closes until `stop`. Bolt's App
 * takes `receiver`, and this object opens and closes the connection.
 */
export class SocketModeConnection {
  readonly receiver: SocketModeReceiver;
  private readonly client: SocketModeReceiver['client'];
  private readonly logger: Logger;
  private state: ConnectionState = 'idle';
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt: Promise<DeliveryError | null> | null = null;

  constructor(options: SocketModeConnectionOptions) {
    this.logger = options.logger;
    // A `logger` in the options would replace the filtered logger for the client's Web API calls.
    const { logger: _unfiltered, ...clientOptions } = options.clientOptions;
    this.receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger: withoutPayloads(options.boltLogger),
      autoReconnectEnabled: false,
      installerOptions: { clientOptions },
    });
    this.client = this.receiver.client;
    this.client.on('disconnected', () => this.onDisconnected());
  }

  /**
   * Opens the first connection and logs it. Rejects when Slack rejects the app-level token.
   * When Slack cannot be reached, it logs a warning, resolves, and keeps trying in the
   * background, so that a Slack outage does not stop the service.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle' || this.stopped) return;
    const failure = await this.connect();
    if (failure === null) return;
    if (failure.permanent) {
      this.state = 'failed';
      throw permanentFailureError(failure);
    }
    this.scheduleRetry(failure);
  }

  /** Closes the connection and stops reconnecting. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const closed = Promise.all([this.client.disconnect(), this.attempt]);
    if ((await settleWithin(closed, DISCONNECT_WAIT_MS)) === TIMED_OUT) {
      this.logger.warn(
        { waitMs: DISCONNECT_WAIT_MS },
        'Slack Socket Mode connection did not close in time',
      );
    }
    this.logger.info('Slack Socket Mode disconnected');
  }

  private connect(): Promise<DeliveryError | null> {
    const attempt = this.connectOnce();
    this.attempt = attempt;
    return attempt;
  }

  /** Makes one attempt. Resolves with null once Slack sent `hello`, else with the failure. */
  private async connectOnce(): Promise<DeliveryError | null> {
    this.state = 'connecting';
    const failure = await this.open();

    // A stop() during the attempt may have come before the WebSocket existed.
    if (this.stopped) {
      if (failure === null) await this.client.disconnect();
      return null;
    }
    if (failure === null) {
      this.state = 'connected';
      this.failures = 0;
      this.logger.info('Slack Socket Mode connected');
    }
    return failure;
  }

  private async open(): Promise<DeliveryError | null> {
    try {
      if ((await settleWithin(this.client.start(), CONNECT_TIMEOUT_MS)) !== TIMED_OUT) return null;
    } catch (error) {
      return connectionFailure(error);
    }
    // Closing the half-open WebSocket makes the pending start() reject, which nothing awaits.
    void this.client.disconnect();
    return new DeliveryError(
      `Slack sent no hello within ${CONNECT_TIMEOUT_MS} ms.`,
      false,
      'hello_timed_out',
    );
  }

  private onDisconnected(): void {
    // During an attempt, the attempt reports the failure itself.
    if (this.stopped || this.state !== 'connected') return;
    this.logger.info('Slack Socket Mode connection closed; reconnecting');
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const failure = await this.connect();
    if (failure === null || this.stopped) return;
    if (failure.permanent) {
      this.state = 'failed';
      this.logger.error(
        { err: permanentFailureError(failure) },
        'Slack rejected the Socket Mode connection, so Slack commands stop until a restart',
      );
      return;
    }
    this.scheduleRetry(failure);
  }

  private scheduleRetry(failure: DeliveryError): void {
    this.failures += 1;
    const backoffMs = Math.min(MAX_RETRY_DELAY_MS, MIN_RETRY_DELAY_MS * 2 ** (this.failures - 1));
    const delayMs = Math.max(backoffMs, failure.retryAfterMs ?? 0);
    this.state = 'retrying';
    this.logger.warn(
      { err: failure, attempt: this.failures, delayMs },
      'Slack Socket Mode connection failed; retrying',
    );
    this.retryTimer = setTimeout(() => void this.reconnect(), delayMs);
  }
}

function connectionFailure(error: unknown): DeliveryError {
  // The client's start() rejects with no reason when the WebSocket closes before `hello`.
  if (error === undefined) {
    return new DeliveryError('The WebSocket closed before Slack sent hello.', false, 'closed');
  }
  return toDeliveryError(error, 'apps.connections.open');
}

function permanentFailureError(failure: DeliveryError): Error {
  if (failure.code.startsWith('http_')) {
    return new Error(`Slack Socket Mode could not start: ${failure.message} Check SLACK_API_URL.`, {
      cause: failure,
    });
  }
  return new Error(
    `Slack did not accept SLACK_APP_TOKEN (${failure.code}). Set it to an app-level token ` +
      '(xapp-...) with the connections:write scope, and turn on Socket Mode in the app settings.',
    { cause: failure },
  );
}

/**
 * Wraps Bolt's logger for the Socket Mode client and receiver. Their debug lines embed whole
 * envelopes and acks, and replies in acks contain ping URLs, so each debug line is cut at its
 * first `{` and loses any object part.
 */
function withoutPayloads(logger: BoltLogger): BoltLogger {
  const cut = (part: unknown) => {
    if (typeof part !== 'string') return '[not logged]';
    const brace = part.indexOf('{');
    return brace === -1 ? part : `${part.slice(0, brace)}[not logged]`;
  };
  return { ...logger, debug: (...parts: unknown[]) => logger.debug(...parts.map(cut)) };
}
