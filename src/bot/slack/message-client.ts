// A small client for the two Web API methods of alert delivery, chat.postMessage and
// chat.update. When many deadlines pass at once, these calls are the worker's hot path. The
// general WebClient spends several times the CPU of the request itself on each call, in its
// request queue, retry wrappers, log redaction, form encoding and fetch. Every other method
// keeps using the WebClient.

import { DeliveryError } from '../../scheduler/notifier.js';
import {
  httpDeliveryError,
  platformDeliveryError,
  rateLimitedDeliveryError,
} from './delivery-errors.js';
import { Http1Pool, type PoolResponse } from './http1-pool.js';

export type MessageMethod = 'chat.postMessage' | 'chat.update';

const MAX_LIMITED_CHANNELS = 10_000;

/** The fields of a successful response that alert delivery reads. */
export interface MessageResponse {
  channel?: string;
  ts?: string;
}

export interface MessageClientOptions {
  /** The Web API base URL, ending in a slash, such as `https://slack.com/api/`. */
  apiUrl: string;
  token: string;
  /**
   * Time allowed for one call, from the moment it has a socket to the end of the response, in
   * ms. A call that waits for a free socket waits without a limit.
   */
  timeoutMs: number;
}

/**
 * Calls chat.postMessage and chat.update with a JSON body over keep-alive connections, once
 * each: failures throw DeliveryError with the codes `toDeliveryError` gives the WebClient's
 * errors, and the notification queue decides about retries.
 */
export class MessageClient {
  private readonly pool: Http1Pool;
  private readonly base: URL;
  /** The request line and headers of each method, built once. */
  private readonly heads = new Map<MessageMethod, string>();
  /**
   * Until when, in epoch ms, calls to a channel wait after a 429, by channel id. Posts and edits
   * of later deliveries to the channel wait too, not only the retry.
   */
  private readonly limitedUntil = new Map<string, number>();

  constructor(private readonly options: MessageClientOptions) {
    this.base = new URL(options.apiUrl);
    // Slack documents a limit of about one message per second per channel, so a few dozen
    // connections carry any burst of alerts that Slack accepts (an estimate, not a measurement).
    this.pool = new Http1Pool(this.base, { maxSockets: 64 });
  }

  private headOf(method: MessageMethod): string {
    let head = this.heads.get(method);
    if (head === undefined) {
      const url = new URL(method, this.base);
      head = this.pool.head(`${url.pathname}${url.search}`, {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json; charset=utf-8',
      });
      this.heads.set(method, head);
    }
    return head;
  }

  async call(method: MessageMethod, args: Record<string, unknown>): Promise<MessageResponse> {
    const limitKey = String(args.channel);
    const until = this.limitedUntil.get(limitKey);
    if (until !== undefined) {
      const waitMs = until - Date.now();
      if (waitMs > 0) throw rateLimitedDeliveryError(Math.ceil(waitMs / 1000), method);
      this.limitedUntil.delete(limitKey);
    }
    let response: PoolResponse;
    try {
      response = await this.pool.post(
        this.headOf(method),
        JSON.stringify(args),
        this.options.timeoutMs,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeliveryError(
        `The request for ${method} failed: ${reason}`,
        false,
        'request_failed',
      );
    }
    try {
      return readResponse(method, response);
    } catch (error) {
      if (error instanceof DeliveryError && error.retryAfterMs !== null) {
        this.rememberLimit(limitKey, Date.now() + error.retryAfterMs);
      }
      throw error;
    }
  }

  private rememberLimit(key: string, until: number): void {
    this.limitedUntil.delete(key);
    // Holds that ended leave room for new ones, and past that the oldest hold is dropped.
    if (this.limitedUntil.size >= MAX_LIMITED_CHANNELS) {
      const now = Date.now();
      for (const [channel, end] of this.limitedUntil) {
        if (end <= now) this.limitedUntil.delete(channel);
      }
      const oldest = this.limitedUntil.keys().next();
      if (this.limitedUntil.size >= MAX_LIMITED_CHANNELS && !oldest.done) {
        this.limitedUntil.delete(oldest.value);
      }
    }
    this.limitedUntil.set(key, until);
  }

  close(): void {
    this.pool.close();
  }
}

function readResponse(method: MessageMethod, response: PoolResponse): MessageResponse {
  const { status, headers, body: text } = response;
  if (status === 429) {
    const seconds = Number(headers['retry-after']);
    if (Number.isFinite(seconds) && seconds >= 0) throw rateLimitedDeliveryError(seconds, method);
    throw new DeliveryError(
      `Slack rate-limited ${method} without a Retry-After.`,
      false,
      'unknown',
    );
  }
  if (status !== 200) throw httpDeliveryError(status, method);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DeliveryError(
      `Slack returned a response to ${method} that is not JSON.`,
      false,
      'unknown',
    );
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new DeliveryError(
      `Slack returned a response to ${method} that is not a JSON object.`,
      false,
      'unknown',
    );
  }
  const fields = parsed as { ok?: unknown; error?: unknown; needed?: unknown };
  if (fields.ok !== true) {
    const code = typeof fields.error === 'string' ? fields.error : 'unknown_error';
    const needed = typeof fields.needed === 'string' ? fields.needed : undefined;
    throw platformDeliveryError(code, needed, method);
  }
  return parsed as MessageResponse;
}
