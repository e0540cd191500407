// A small client for the two Web API methods of alert delivery, chat.postMessage and
// chat.update. When many deadlines pass at once, these calls are the worker's hot path. The
// general WebClient spends several times the CPU of the request itself on each call, in its
// request queue, retry wrappers, log redaction, form encoding and fetch. Every other method
// keeps using the WebClient.

import http from 'node:http';
import https from 'node:https';
import { DeliveryError } from '../../scheduler/notifier.js';
import {
  httpDeliveryError,
  platformDeliveryError,
  rateLimitedDeliveryError,
} from './delivery-errors.js';

export type MessageMethod = 'chat.postMessage' | 'chat.update';

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
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly base: URL;
  /** The request target of each method, parsed once. */
  private readonly targets = new Map<MessageMethod, http.RequestOptions>();

  constructor(private readonly options: MessageClientOptions) {
    this.base = new URL(options.apiUrl);
    const secure = this.base.protocol === 'https:';
    // Slack documents a limit of about one message per second per channel, so a few dozen
    // sockets carry any burst of alerts that Slack accepts (an estimate, not a measurement).
    const agentOptions = { keepAlive: true, maxSockets: 64 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
  }

  private targetOf(method: MessageMethod): http.RequestOptions {
    let target = this.targets.get(method);
    if (target === undefined) {
      const url = new URL(method, this.base);
      target = {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
      };
      this.targets.set(method, target);
    }
    return target;
  }

  call(method: MessageMethod, args: Record<string, unknown>): Promise<MessageResponse> {
    const body = JSON.stringify(args);
    return new Promise((resolve, reject) => {
      const req = this.request({
        ...this.targetOf(method),
        method: 'POST',
        agent: this.agent,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      });
      // The time allowed starts once the request has a socket. A request that waited for one of
      // the busy sockets and timed out right after it was sent would count as failed although
      // Slack posts it, and its retry would post the message again.
      let timer: NodeJS.Timeout | undefined;
      req.once('socket', () => {
        timer = setTimeout(
          () => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)),
          this.options.timeoutMs,
        );
      });
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(
          new DeliveryError(`The request for ${method} failed: ${reason}`, false, 'request_failed'),
        );
      };
      req.on('error', (error) => fail(error.message));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => fail(error.message));
        res.on('end', () => {
          clearTimeout(timer);
          try {
            resolve(readResponse(method, res, Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readResponse(
  method: MessageMethod,
  res: http.IncomingMessage,
  text: string,
): MessageResponse {
  const status = res.statusCode ?? 0;
  if (status === 429) {
    const seconds = Number(res.headers['retry-after']);
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
