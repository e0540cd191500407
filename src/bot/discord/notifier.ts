// Posts and edits alert messages through Discord's REST API with the bot token. Bot-token
// edits of a channel message work at any time, unlike interaction tokens, which Discord
// invalidates 15 minutes after the interaction.

import { createHash } from 'node:crypto';
import { type APIMessage, type REST, Routes } from 'discord.js';
import type { DigestView } from '../../digest/view.js';
import type { DigestNotifier, MessageRef, Notifier } from '../../scheduler/notifier.js';
import type { AlertView } from '../views.js';
import { NO_MENTIONS, renderAlertMessage } from './alert-message.js';
import { toDeliveryError } from './delivery-errors.js';
import { renderDigestMessage } from './digest-message.js';
import { codeBlock, DISCORD_LIMITS, escapeAndTruncate } from './markdown.js';

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
    const message = await this.call(`POST /channels/${channelId}/messages`, () =>
      this.rest.post(Routes.channelMessages(channelId), { body }),
    );
    return {
      platform: 'discord',
      channelId: message.channel_id ?? channelId,
      messageId: message.id,
    };
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
  ): Promise<void> {
    const line = escapeAndTruncate(text, output ? THREAD_TEXT_CHARS : DISCORD_LIMITS.content);
    const room = DISCORD_LIMITS.content - line.length - 1;
    const body = {
      content: output ? `${line}\n${codeBlock(output, room)}` : line,
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
    const message = await this.call(`POST /channels/${channelId}/messages`, () =>
      this.rest.post(Routes.channelMessages(channelId), { body, files }),
    );
    return {
      platform: 'discord',
      channelId: message.channel_id ?? channelId,
      messageId: message.id,
    };
  }

  private async call(call: string, send: () => Promise<unknown>): Promise<APIMessage> {
    // discord.js clears the token after a 401, and every later call then fails before it is
    // sent, with an error that reads as transient. Setting it again gives each delivery
    // Discord's own response, which is a permanent 401 while the token is invalid.
    this.rest.setToken(this.botToken);
    try {
      return (await send()) as APIMessage;
    } catch (error) {
      throw toDeliveryError(error, call);
    }
  }
}

/** Derives the nonce of an incident's alert in a channel: the same 25 characters on every post. */
export function alertNonce(channelId: string, incidentId: string): string {
  return createHash('sha256')
    .update(`${channelId}:${incidentId}`)
    .digest('base64url')
    .slice(0, NONCE_LENGTH);
}
