// Posts and edits alert messages through Discord's REST API with the bot token. Bot-token
// edits of a channel message work at any time, unlike interaction tokens, which Discord
// invalidates 15 minutes after the interaction.

import { createHash } from 'node:crypto';
import { type REST, Routes } from 'discord.js';
import type { DigestView } from '../../digest/view.js';
import {
  DeliveryError,
  type DigestNotifier,
  type MessageRef,
  type Notifier,
  type ReplyOptions,
} from '../../scheduler/notifier.js';
import type { AlertView } from '../views.js';
import { NO_MENTIONS, renderAlertMessage } from './alert-message.js';
import { toDeliveryError } from './delivery-errors.js';
import { renderDigestMessage } from './digest-message.js';
import { codeBlock, DISCORD_LIMITS, escapeAndTruncate } from './markdown.js';
import { responseExcerpt } from './rest-client.js';

// The part of a reply's 2,000 characters that its text may take when output follows it.
const THREAD_TEXT_CHARS = 300;

/** Discord accepts a message nonce of at most 25 characters. */
const NONCE_LENGTH = 25;

/**
 * Notifier for Discord. Each call goes through the REST client's rate-limit queue and fails
 * with DeliveryError; the notification queue decides about retries.
 *
 * A first post carries a nonce made from the channel and incident, with `enforce_nonce`.
 * When a post reached Discord but its response was lost, the retry within the next few
 * minutes gets the same message back instead of posting a second one.
 */
export class DiscordNotifier implements Notifier, DigestNotifier {
  readonly platform = 'discord' as const;

  constructor(
    private readonly rest: REST,
    private readonly botToken: string,
  ) {}

  async postAlert(channelId: string, view: AlertView): Promise<MessageRef> {
    const body = {
      ...renderAlertMessage(view),
      nonce: alertNonce(channelId, view.incidentId),
      enforce_nonce: true,
    };
    const call = `POST /channels/${channelId}/messages`;
    const message = await this.call(call, () =>
      this.rest.post(Routes.channelMessages(channelId), { body }),
    );
    return createdMessageRef(message, channelId, call);
  }

  async updateAlert(ref: MessageRef, view: AlertView): Promise<void> {
    await this.call(`PATCH /channels/${ref.channelId}/messages/${ref.messageId}`, () =>
      this.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), {
        body: renderAlertMessage(view),
      }),
    );
  }

  /**
   * Posts `text`, and `output` as a code block, as a reply to the alert, or as a plain message if
   * the alert was deleted.
   */
  async postThreadReply(
    ref: MessageRef,
    text: string,
    output: string | null = null,
    options?: ReplyOptions,
  ): Promise<void> {
    const line = escapeAndTruncate(text, output ? THREAD_TEXT_CHARS : DISCORD_LIMITS.content);
    const room = DISCORD_LIMITS.content - line.length - 1;
    const body = {
      content: output ? `${line}\n${codeBlock(output, room)}` : line,
      // As for a first post, a retry within Discord's nonce window gets the reply back.
      ...(options === undefined
        ? {}
        : { nonce: alertNonce(ref.channelId, `reply:${options.replyId}`), enforce_nonce: true }),
      message_reference: {
        message_id: ref.messageId,
        channel_id: ref.channelId,
        fail_if_not_exists: false,
      },
      allowed_mentions: NO_MENTIONS,
    };
    await this.call(`POST /channels/${ref.channelId}/messages`, () =>
      this.rest.post(Routes.channelMessages(ref.channelId), { body }),
    );
  }

  /**
   * Posts the digest with its picture as a multipart attachment. The nonce is derived from the
   * channel and period, so that a retry within Discord's nonce window returns the first message.
   */
  async postDigest(channelId: string, view: DigestView, png: Buffer): Promise<MessageRef> {
    const body = {
      ...renderDigestMessage(view),
      nonce: alertNonce(channelId, `digest:${view.key}`),
      enforce_nonce: true,
    };
    const files = [{ name: view.image.fileName, data: png, contentType: 'image/png' }];
    const call = `POST /channels/${channelId}/messages`;
    const message = await this.call(call, () =>
      this.rest.post(Routes.channelMessages(channelId), { body, files }),
    );
    return createdMessageRef(message, channelId, call);
  }

  /** Sends a REST call and returns the response body, unchecked. */
  private async call(call: string, send: () => Promise<unknown>): Promise<unknown> {
    // discord.js clears the token after a 401, and every later call then fails before it is
    // sent, with an error that reads as transient. Setting it again gives each delivery
    // Discord's own response, which is a permanent 401 while the token is invalid.
    this.rest.setToken(this.botToken);
    try {
      return await send();
    } catch (error) {
      throw toDeliveryError(error, call);
    }
  }
}

/**
 * Reads the reference of a message that `call` created. A response without a string id is a
 * transient DeliveryError, because a reference without the id would send every later edit and
 * reply to a message that does not exist. The retry posts with the same nonce, so within
 * Discord's nonce window of a few minutes it returns the message that the first call may have
 * created instead of posting a second one.
 */
function createdMessageRef(message: unknown, channelId: string, call: string): MessageRef {
  const fields =
    typeof message === 'object' && message !== null
      ? (message as { id?: unknown; channel_id?: unknown })
      : null;
  if (typeof fields?.id !== 'string' || fields.id === '') {
    throw new DeliveryError(
      `Discord responded to ${call} without a message id, so the message cannot be edited later: ${responseExcerpt(message)}`,
      false,
      'message_id_missing',
    );
  }
  const channel = typeof fields.channel_id === 'string' ? fields.channel_id : channelId;
  return { platform: 'discord', channelId: channel, messageId: fields.id };
}

/** Derives the nonce of an incident's alert in a channel: the same 25 characters on every post. */
export function alertNonce(channelId: string, incidentId: string): string {
  return createHash('sha256')
    .update(`${channelId}:${incidentId}`)
    .digest('base64url')
    .slice(0, NONCE_LENGTH);
}
