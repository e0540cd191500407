// The discord.js REST client as Drumbeat configures it. Its rate-limit buckets queue calls
// per route and wait out `X-RateLimit-Reset-After` and `Retry-After`, pausing every call
// after a 429 with `X-RateLimit-Global`.

import { DefaultRestOptions, type RateLimitData, REST, type ResponseLike } from 'discord.js';

export interface RestClientOptions {
  /** REST API base without the version, such as `https://discord.com/api`. */
  apiUrl: string;
  botToken: string;
  /**
   * Maximum rate-limit wait the client sits out itself, in ms. A longer one rejects with
   * discord.js's RateLimitError, so that the notification queue can delay the job instead of
   * holding a worker. Default: no limit.
   */
  maxRateLimitWaitMs?: number;
  /** Network retries of a request that failed with a 5xx or a timeout. discord.js's default: 3. */
  retries?: number;
  /** Time one request may take, in ms. discord.js's default: 15,000. */
  requestTimeoutMs?: number;
}

/** Used when a 429 carries neither a `Retry-After` header nor a readable `retry_after`. */
const FALLBACK_RETRY_AFTER_SECONDS = 1;

export function createRestClient(options: RestClientOptions): REST {
  const maxWaitMs = options.maxRateLimitWaitMs;
  const rest = new REST({
    api: options.apiUrl,
    version: '10',
    makeRequest: requestWithRetryAfter,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.requestTimeoutMs === undefined ? {} : { timeout: options.requestTimeoutMs }),
    ...(maxWaitMs === undefined
      ? {}
      : { rejectOnRateLimit: (data: RateLimitData) => rateLimitWaitMs(data) > maxWaitMs }),
  });
  return rest.setToken(options.botToken);
}

/** Computes how long discord.js waits for a rate limit, in ms. */
export function rateLimitWaitMs(data: Pick<RateLimitData, 'retryAfter' | 'timeToReset'>): number {
  return Math.max(0, Math.ceil(Math.max(data.retryAfter, data.timeToReset)));
}

/** Stops the client's sweep timers. */
export function closeRestClient(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}

/**
 * Sends a request with discord.js's default strategy. discord.js reads a 429's wait from its
 * headers only, and retries at once when they are missing, as they can be behind a proxy. So
 * a 429 without `Retry-After` gets one made from the body's `retry_after` (and
 * `X-RateLimit-Global` from its `global`).
 */
export async function requestWithRetryAfter(
  url: string,
  init: Parameters<typeof DefaultRestOptions.makeRequest>[1],
): Promise<ResponseLike> {
  const response = await DefaultRestOptions.makeRequest(url, init);
  if (response.status !== 429 || response.headers.has('retry-after')) return response;

  const text = await response.text();
  const body = readRateLimitBody(text);
  const headers = new Headers(response.headers);
  headers.set('retry-after', String(body.retryAfterSeconds ?? FALLBACK_RETRY_AFTER_SECONDS));
  if (body.global) headers.set('x-ratelimit-global', 'true');
  return {
    body: null,
    bodyUsed: true,
    headers,
    ok: false,
    status: response.status,
    statusText: response.statusText,
    text: async () => text,
    json: async () => JSON.parse(text),
    arrayBuffer: async () => new TextEncoder().encode(text).slice().buffer,
  };
}

function readRateLimitBody(text: string): { retryAfterSeconds: number | null; global: boolean } {
  try {
    const body = JSON.parse(text) as { retry_after?: unknown; global?: unknown };
    const retryAfter =
      typeof body.retry_after === 'number' && body.retry_after >= 0 ? body.retry_after : null;
    return { retryAfterSeconds: retryAfter, global: body.global === true };
  } catch {
    return { retryAfterSeconds: null, global: false };
  }
}

/** Maximum characters of a response body that an error message quotes. */
const EXCERPT_CHARS = 200;

/**
 * Returns the start of a response body, as discord.js returns it, on one line for an error
 * message. A JSON body appears as JSON text, and any other body, such as a proxy's HTML page,
 * as decoded text.
 */
export function responseExcerpt(body: unknown): string {
  let text: string;
  if (body instanceof ArrayBuffer) text = new TextDecoder().decode(body);
  else if (typeof body === 'string') text = body;
  else text = JSON.stringify(body) ?? String(body);
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '(an empty body)';
  return line.length <= EXCERPT_CHARS ? line : `${line.slice(0, EXCERPT_CHARS - 1)}…`;
}
