// Maps errors of the discord.js REST client to DeliveryError, so that the notification queue
// can decide whether to retry.

import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import { DeliveryError } from '../../scheduler/notifier.js';
import { rateLimitWaitMs } from './rest-client.js';

/** Discord's JSON error codes that mean the call will not work until someone changes something. */
const PERMANENT_CODES: Record<number, { code: string; hint: string }> = {
  [RESTJSONErrorCodes.UnknownChannel]: {
    code: 'unknown_channel',
    hint: 'The channel was deleted or the bot cannot see it. Point the monitor at another channel.',
  },
  [RESTJSONErrorCodes.UnknownMessage]: {
    code: 'unknown_message',
    hint: 'The alert message was deleted, so it cannot be edited.',
  },
  [RESTJSONErrorCodes.MissingAccess]: {
    code: 'missing_access',
    hint: 'The bot cannot see the channel. Give it the View Channel permission there.',
  },
  [RESTJSONErrorCodes.MissingPermissions]: {
    code: 'missing_permissions',
    hint: 'The bot lacks a permission in the channel: it needs Send Messages and Embed Links.',
  },
};

/** Wraps any error from a REST call as a DeliveryError. A DeliveryError passes through. */
export function toDeliveryError(error: unknown, call: string): DeliveryError {
  if (error instanceof DeliveryError) return error;

  if (error instanceof RateLimitError) {
    const retryAfterMs = rateLimitWaitMs(error);
    const scope = error.global ? 'all calls' : call;
    return new DeliveryError(
      `Discord rate-limited ${scope}; retry after ${retryAfterMs} ms.`,
      false,
      'rate_limited',
      retryAfterMs,
    );
  }

  if (error instanceof DiscordAPIError) return fromApiError(error, call);

  if (error instanceof HTTPError) {
    // discord.js raises HTTPError for a 5xx response once its own retries are spent.
    return new DeliveryError(
      `Discord responded to ${call} with HTTP ${error.status}.`,
      false,
      `http_${error.status}`,
    );
  }

  // Timeouts (AbortError) and network failures: the same call may work later.
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`The Discord call ${call} failed: ${message}`, false, 'request_failed');
}

function fromApiError(error: DiscordAPIError, call: string): DeliveryError {
  const known = typeof error.code === 'number' ? PERMANENT_CODES[error.code] : undefined;
  if (known !== undefined) {
    return new DeliveryError(
      `Discord rejected ${call}: ${error.message}. ${known.hint}`,
      true,
      known.code,
    );
  }
  if (error.status === 401) {
    return new DeliveryError(
      `Discord rejected ${call}: the bot token is invalid. Reset it on the Bot page and update DISCORD_BOT_TOKEN.`,
      true,
      'invalid_token',
    );
  }
  if (error.status === 408) {
    return new DeliveryError(`Discord timed out on ${call}.`, false, 'http_408');
  }
  // Any other 4xx is a request Discord will not accept when sent again unchanged.
  return new DeliveryError(
    `Discord rejected ${call} with HTTP ${error.status}: ${error.message}`,
    true,
    `discord_${error.code}`,
  );
}
