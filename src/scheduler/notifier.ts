import type { AlertView } from '../bot/views.js';
import type { Platform } from '../domain/types.js';

/** Where a posted alert lives, so it can be edited and replied to. */
export interface MessageRef {
  platform: Platform;
  channelId: string;
  /** Slack's message `ts`, or Discord's message id. */
  messageId: string;
}

/**
 * An error from a chat API. Transient errors are retried with backoff, no sooner than
 * `retryAfterMs` when the API sent one; permanent ones (channel gone, token revoked) are not.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Sends alerts to one chat platform. Each method throws `DeliveryError` on failure. */
export interface Notifier {
  readonly platform: Platform;
  postAlert(channelId: string, view: AlertView): Promise<MessageRef>;
  updateAlert(ref: MessageRef, view: AlertView): Promise<void>;
  postThreadReply(ref: MessageRef, text: string): Promise<void>;
}
