import type { AlertView } from '../bot/views.js';
import type { DigestView } from '../digest/view.js';
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

export interface PostOptions {
  /**
   * An earlier attempt to post this incident's alert may have reached the platform (its worker
   * crashed, or the response was lost), so the notifier looks for that message and edits it
   * instead, where the platform lets it.
   */
  mayExist?: boolean;
  /**
   * The time the incident opened, epoch ms. No attempt to post its alert came earlier, so a
   * lookup of an earlier attempt can start there instead of at a fixed number of messages.
   */
  openedAt?: number;
}

/** Sends alerts to one chat platform. Each method throws `DeliveryError` on failure. */
export interface Notifier {
  readonly platform: Platform;
  postAlert(channelId: string, view: AlertView, options?: PostOptions): Promise<MessageRef>;
  updateAlert(ref: MessageRef, view: AlertView): Promise<void>;
  /** Replies in the alert's thread: `text`, then `output` (a failed run's) as a code block. */
  postThreadReply(
    ref: MessageRef,
    text: string,
    output?: string | null,
    options?: ReplyOptions,
  ): Promise<void>;
}

export interface ReplyOptions {
  /** Names this reply among the incident's replies, the same in every attempt to post it. */
  replyId: string;
  /** An earlier attempt may have posted this reply; the notifier looks for it first. */
  mayExist: boolean;
}

export interface DigestPostOptions {
  /** An earlier attempt may have posted this digest; the notifier looks for it first. */
  mayExist?: boolean;
}

/** A notifier that also posts digests, with their picture attached as a PNG. */
export interface DigestNotifier extends Notifier {
  /** Posts the digest, or returns the one an earlier attempt posted when it finds it. */
  postDigest(
    channelId: string,
    view: DigestView,
    png: Buffer,
    options?: DigestPostOptions,
  ): Promise<MessageRef>;
}

export function canPostDigests(notifier: Notifier): notifier is DigestNotifier {
  return 'postDigest' in notifier && typeof notifier.postDigest === 'function';
}
