// Maps errors of @slack/web-api to DeliveryError, from which the notification queue decides
// whether to retry. The client is configured not to retry by itself (see `slackClientOptions`).

import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../scheduler/notifier.js';

/** Slack error codes of faults on Slack's side, after which the same call may work later. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
]);

/** Advice for the team on common permanent errors, by Slack error code. */
const PERMANENT_HINTS: Record<string, string> = {
  channel_not_found:
    'The channel does not exist or the Drumbeat app cannot see it. Invite the app to the channel or point the monitor at another one.',
  not_in_channel:
    'The Drumbeat app is not a member of the channel. Invite it with /invite, or point the monitor at another channel.',
  is_archived: 'The channel is archived. Unarchive it or point the monitor at another channel.',
  invalid_auth: 'The Slack bot token is invalid. Reinstall the app and update SLACK_BOT_TOKEN.',
  token_revoked: 'The Slack bot token was revoked. Reinstall the app and update SLACK_BOT_TOKEN.',
  account_inactive:
    'The Slack app was uninstalled or its account deactivated. Reinstall it and update SLACK_BOT_TOKEN.',
  missing_scope:
    'The Slack app lacks a permission scope it needs. Add the scope to the app and reinstall it.',
  msg_too_long: 'The alert is longer than Slack accepts for one message.',
  message_not_found: 'The alert message was deleted in Slack, so it cannot be edited.',
};

/** Wraps any error from a Web API call as a DeliveryError. DeliveryErrors pass through. */
export function toDeliveryError(error: unknown, method: string): DeliveryError {
  if (error instanceof DeliveryError) return error;

  if (error instanceof webApi.WebAPIRateLimitedError) {
    return rateLimitedDeliveryError(error.retryAfter, method);
  }

  if (error instanceof webApi.WebAPIPlatformError) return fromPlatformError(error, method);

  if (error instanceof webApi.WebAPIHTTPError) return httpDeliveryError(error.statusCode, method);

  if (error instanceof webApi.WebAPIRequestError) {
    return new DeliveryError(
      `The request for ${method} failed: ${error.original.message}`,
      false,
      'request_failed',
    );
  }

  // For example a 429 whose Retry-After header could not be read.
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Slack call ${method} failed: ${message}`, false, 'unknown');
}

/**
 * Returns whether Slack may have carried out the failed call. That is the case when the
 * request was sent and the response was lost, or was an HTTP error from a hop before Slack.
 */
export function mayHaveReachedSlack(error: DeliveryError): boolean {
  return (
    error.code === 'request_failed' || error.code === 'unknown' || error.code.startsWith('http_5')
  );
}

function fromPlatformError(error: InstanceType<typeof webApi.WebAPIPlatformError>, method: string) {
  const { needed } = error.data as { needed?: unknown };
  return platformDeliveryError(
    error.data.error,
    typeof needed === 'string' ? needed : undefined,
    method,
  );
}

/** Returns the DeliveryError for a 429 whose Retry-After is `seconds`. */
export function rateLimitedDeliveryError(seconds: number, method: string): DeliveryError {
  return new DeliveryError(
    `Slack rate-limited ${method}; retry after ${seconds} s.`,
    false,
    'rate_limited',
    seconds * 1000,
  );
}

/** Returns the DeliveryError for an HTTP status other than 200 and 429. */
export function httpDeliveryError(status: number, method: string): DeliveryError {
  // Slack itself returns only 200 and 429, so other codes come from its edge or a proxy.
  const transient = status >= 500 || status === 408;
  return new DeliveryError(
    `Slack returned HTTP ${status} for ${method}.`,
    !transient,
    `http_${status}`,
  );
}

/** Returns the DeliveryError for a response `{ ok: false, error: code }`, naming a missing scope. */
export function platformDeliveryError(
  code: string,
  neededScope: string | undefined,
  method: string,
): DeliveryError {
  if (TRANSIENT_PLATFORM_ERRORS.has(code)) {
    return new DeliveryError(`Slack could not run ${method} (${code}).`, false, code);
  }
  const needed = neededScope === undefined ? '' : ` (needed: ${neededScope})`;
  const hint = PERMANENT_HINTS[code];
  const advice = hint === undefined ? '' : ` ${hint}`;
  return new DeliveryError(`Slack rejected ${method} with ${code}${needed}.${advice}`, true, code);
}
