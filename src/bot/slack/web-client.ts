// The Web API client and Bolt's logger interface, configured the same way for every Slack call.

import { type Logger as BoltLogger, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { repeatedLineLog } from '../../logger.js';

/** Per-call limit, so a Slack call that hangs cannot hold a queue worker or a command. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Options for every WebClient of the app. The client does not retry by itself and rejects
 * rate-limited calls at once: the notification queue retries with backoff and Retry-After,
 * and an interactive request has no time to wait.
 */
export function slackClientOptions(apiUrl: string, logger: BoltLogger): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: REQUEST_TIMEOUT_MS,
    logger,
  };
}

export function createWebClient(token: string, options: webApi.WebClientOptions): webApi.WebClient {
  return new webApi.WebClient(token, options);
}

/**
 * Adapts a pino logger to the logger interface of Bolt and @slack/web-api. The pino level
 * decides what is written, so Bolt's `setLevel` calls change nothing. Each warning and error
 * message is written at most once per 10 s, with the number skipped, because the WebClient
 * warns once per failed request ("http request failed"). Without the limit, a burst of alerts
 * while Slack drops connections logs a line for every call.
 */
export function toBoltLogger(logger: Logger): BoltLogger {
  const limited = {
    warn: repeatedLineLog(logger, 'warn'),
    error: repeatedLineLog(logger, 'error'),
  };
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const err = parts.find((part) => part instanceof Error);
      const message = parts
        .filter((part) => part !== err)
        .map(describePart)
        .join(' ');
      const fields = err === undefined ? {} : { err };
      if (level === 'warn' || level === 'error') limited[level](message, message, fields);
      else logger[level](fields, message);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {},
    getLevel: () => toBoltLevel(logger.level),
    setName: () => {},
  };
}

function toBoltLevel(level: string): LogLevel {
  if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
  if (level === 'warn') return LogLevel.WARN;
  if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
  return LogLevel.INFO;
}

function describePart(part: unknown): string {
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}
