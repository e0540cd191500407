import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PingInput } from '../domain/types.js';
import { RepeatLimitedLog } from '../logger.js';
import { readPingBody } from './ping-body.js';
import { type ParsedPing, parsePingUrl } from './ping-parse.js';
import {
  type PingRecorder,
  type PingTarget,
  StoreContendedError,
  StoreStalledError,
  StoreUnavailableError,
} from './recorder.js';
import { StallGuard } from './stall-guard.js';

/** Default for the stored part of a ping body, in bytes. */
export const DEFAULT_PING_BODY_LIMIT_BYTES = 100_000;

/** Seconds a client is asked to wait before it retries a ping that got 503. */
export const STORE_RETRY_AFTER_SECONDS = 5;

// Longer User-Agent and forwarded-address values are cut, because they are only shown to people.
const MAX_USER_AGENT_CHARS = 200;
const MAX_REMOTE_ADDRESS_CHARS = 100;

// While the store keeps failing, one error line per this interval, with a count of the rest.
const FAILURE_LOG_INTERVAL_MS = 10_000;

export interface PingHandlerOptions {
  recorder: PingRecorder;
  logger: Logger;
  /** Bytes of each body that are kept, while the rest is counted and dropped. Default 100,000. */
  bodyLimitBytes?: number;
  /**
   * Take the remote address from the first `X-Forwarded-For` entry. Only for a service behind
   * a proxy that sets that header, because a direct client can put any value there. Default false.
   */
  trustProxy?: boolean;
  /** Clock for spacing repeated error logs, in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Time without any response from the store after which waiting pings get 503. Default 5 s. */
  storeTimeoutMs?: number;
}

const DEFAULT_STORE_TIMEOUT_MS = 5000;

export type PingRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface HandlerContext {
  recorder: PingRecorder;
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  failureLog: RepeatLimitedLog;
  stall: StallGuard;
  /** The headers of every answer, as a flat name-value list for `writeHead`. */
  commonHeaders: readonly string[];
  /** The headers of a `200 OK`, built once because nearly every response is one. */
  okHeaders: readonly string[];
}

/**
 * Creates the `node:http` handler for requests under `/ping/`. It takes GET, HEAD, POST and PUT,
 * responds to CORS preflights, and sends
 * plain-text responses. Its promise never rejects, because failures of the store or of this code
 * become a 503.
 */
export function createPingHandler(options: PingHandlerOptions): PingRequestHandler {
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_PING_BODY_LIMIT_BYTES;
  if (!Number.isSafeInteger(bodyLimitBytes) || bodyLimitBytes < 0) {
    throw new RangeError(`bodyLimitBytes must be a whole number >= 0, got ${bodyLimitBytes}`);
  }
  const context: HandlerContext = {
    recorder: options.recorder,
    logger: options.logger,
    bodyLimitBytes,
    trustProxy: options.trustProxy ?? false,
    failureLog: new RepeatLimitedLog(FAILURE_LOG_INTERVAL_MS, options.now ?? Date.now),
    stall: new StallGuard(options.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS, Date.now, () =>
      options.recorder.dropUnsent?.(),
    ),
    commonHeaders: commonHeaders(bodyLimitBytes),
    okHeaders: [...commonHeaders(bodyLimitBytes), ...textHeaders('OK')],
  };

  return (req, res) => {
    handlePing(context, req, res).catch((error: unknown) => {
      context.logger.error({ err: error, method: req.method }, 'ping handler failed');
      if (res.headersSent) res.destroy();
      else sendUnavailable(context, req, res, 'ping not stored: internal error, retry later');
    });
  };
}

async function handlePing(
  context: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (isCorsPreflight(req)) {
    sendPreflight(context, res);
    return;
  }

  const parsed = parsePingUrl(req.url ?? '/');
  if (!parsed.ok) {
    sendText(context, req, res, parsed.status, parsed.reason);
    return;
  }
  if (!PING_METHODS.has(req.method ?? '')) {
    // OPTIONS is left out: only a CORS preflight, with Access-Control-Request-Method, gets 204.
    sendText(context, req, res, 405, PING_METHOD_NOT_ALLOWED, ['Allow', PING_ALLOW]);
    return;
  }

  const body = hasBody(req) ? await readPingBody(req, context.bodyLimitBytes) : EMPTY_BODY;
  if (body === null) {
    // The job's upload broke off, so the job never finished its report: store nothing.
    context.logger.debug({ method: req.method }, 'ping upload aborted by the client');
    return;
  }

  const input: PingInput = {
    kind: parsed.kind,
    exitStatus: parsed.exitStatus,
    rid: parsed.rid,
    method: req.method ?? 'GET',
    body: body.body,
    bodyBytesCut: body.bodyBytesCut,
    userAgent: headerValue(req, 'user-agent', MAX_USER_AGENT_CHARS),
    remoteAddress: remoteAddressOf(req, context.trustProxy),
  };
  await recordPing(context, parsed, input, req, res);
}

const EMPTY_BODY = { body: '', bodyBytesCut: 0 };

// The methods a ping may use. Others, such as a DELETE, get 405 and store nothing, so that a
// request that was not meant as a run report is never counted as one.
const PING_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT']);

/** The `Allow` header of the 405 that a ping with any other method gets. */
export const PING_ALLOW = 'GET, HEAD, POST, PUT';
/** The body of that 405. */
export const PING_METHOD_NOT_ALLOWED = 'method not allowed: send pings with GET, HEAD, POST or PUT';

/**
 * Tells whether a request carries a body. An HTTP/1.1 request has one only with a
 * Content-Length above 0 or a Transfer-Encoding, so most pings skip reading the stream.
 */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

async function recordPing(
  context: HandlerContext,
  parsed: ParsedPing,
  input: PingInput,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let result: Awaited<ReturnType<PingRecorder['record']>>;
  try {
    result = await context.stall.guard(context.recorder.record(parsed.target, input));
  } catch (error) {
    logStoreFailure(context, error, parsed, input);
    sendUnavailable(context, req, res, unavailableReason(error));
    return;
  }

  // After an outage, the first ping that the store handles logs the failures counted since the
  // last line, so that the count is not lost when no failure follows.
  if (context.failureLog.pending > 0) {
    context.failureLog.flush((suppressed) => {
      context.logger.info({ suppressed }, 'ping storage back');
    });
  }
  switch (result.status) {
    case 'stored':
      sendText(context, req, res, 200, 'OK');
      return;
    case 'not_found':
      sendText(context, req, res, 404, notFoundReason(parsed.target, result.unknownPingKey));
      return;
    case 'not_created':
      sendText(context, req, res, 403, `monitor not created: ${result.reason}`);
      return;
    case 'rate_limited': {
      const retryAfter = String(Math.max(1, Math.ceil(result.retryAfterSeconds)));
      const reason = rateLimitReason(result.maxPings, result.windowSeconds);
      sendText(context, req, res, 429, reason, ['Retry-After', retryAfter]);
      return;
    }
  }
}

/**
 * Builds the body of a 404. A known ping key with a new name gets the `?create=1` hint, and an
 * unknown key a reason of its own, since `?create=1` cannot help it.
 */
function notFoundReason(target: PingTarget, unknownPingKey: boolean | undefined): string {
  if (target.kind !== 'slug') return 'not found';
  if (unknownPingKey) {
    return "not found: no team has this ping key; /drumbeat pingkey shows your team's key";
  }
  if (target.create) return 'not found';
  return 'not found: no monitor has this ping key and name; add ?create=1 to create it';
}

/** Builds the body of a 503: whether the ping may still be stored, and what to do. */
function unavailableReason(error: unknown): string {
  if (error instanceof StoreStalledError) {
    const stored = error.sent ? 'may not be stored' : 'not stored';
    return `ping ${stored}: storage did not answer in time, retry later`;
  }
  if (error instanceof StoreContendedError) {
    return 'ping not stored: too many concurrent writes to this monitor, retry later';
  }
  if (error instanceof StoreUnavailableError) {
    return `ping ${error.sent ? 'may not be stored' : 'not stored'}: storage unavailable, retry later`;
  }
  return 'ping not stored: internal error, retry later';
}

/** Builds the body of a 429, with the limit the monitor passed and what to do. */
function rateLimitReason(maxPings: number, windowSeconds: number): string {
  const window = windowSeconds === 60 ? 'a minute' : `in ${windowSeconds} seconds`;
  return `rate limited: this monitor sent more than ${maxPings} pings ${window}, retry later`;
}

function logStoreFailure(
  context: HandlerContext,
  error: unknown,
  parsed: ParsedPing,
  input: PingInput,
): void {
  // The token is secret, so only the kind of target is logged. A write that reached Redis may
  // have been applied, or may still be, so its line does not claim that the ping was lost.
  const message =
    error instanceof StoreUnavailableError && error.sent
      ? 'ping may not be stored'
      : 'ping not stored';
  context.failureLog.run((suppressed) => {
    const fields = { err: error, target: parsed.target.kind, pingKind: input.kind, suppressed };
    context.logger.error(fields, message);
  });
}

function commonHeaders(bodyLimitBytes: number): string[] {
  return [
    ...['Ping-Body-Limit', String(bodyLimitBytes), 'Cache-Control', 'no-store'],
    ...['Access-Control-Allow-Origin', '*'],
    ...['Access-Control-Expose-Headers', 'Ping-Body-Limit, Retry-After'],
    ...['X-Content-Type-Options', 'nosniff'],
  ];
}

/** Detects a browser's CORS preflight, which gets 204 and no ping. A plain OPTIONS gets 405. */
function isCorsPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

function sendPreflight(context: HandlerContext, res: ServerResponse): void {
  res.writeHead(204, [
    ...context.commonHeaders,
    ...['Access-Control-Allow-Methods', '*', 'Access-Control-Allow-Headers', '*'],
    ...['Access-Control-Max-Age', '86400'],
  ]);
  res.end();
}

function sendUnavailable(
  context: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  reason: string,
): void {
  sendText(context, req, res, 503, reason, ['Retry-After', String(STORE_RETRY_AFTER_SECONDS)]);
}

/**
 * Sends a one-line text body, or for HEAD the same status and headers without the body. All
 * headers go out in one `writeHead` call, which is cheaper than one `setHeader` call each.
 */
function sendText(
  context: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  extraHeaders: readonly string[] = [],
): void {
  const headers =
    status === 200 && text === 'OK' && extraHeaders.length === 0
      ? context.okHeaders
      : [...context.commonHeaders, ...extraHeaders, ...textHeaders(text)];
  res.writeHead(status, headers as string[]);
  if (req.method === 'HEAD') res.end();
  else res.end(text);
}

function textHeaders(text: string): string[] {
  const length = String(Buffer.byteLength(text));
  return ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', length];
}

function headerValue(req: IncomingMessage, name: string, maxChars: number): string | null {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === '') return null;
  return first.slice(0, maxChars);
}

function remoteAddressOf(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = headerValue(req, 'x-forwarded-for', 1000)?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, MAX_REMOTE_ADDRESS_CHARS);
  }
  const address = req.socket.remoteAddress;
  if (address === undefined) return null;
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d, so the IPv4 form is stored.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
