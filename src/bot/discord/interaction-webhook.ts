// Edits and follow-ups of an interaction response, through the interaction's webhook. The
// interaction token authorises these calls, and Discord invalidates it 15 minutes after the
// interaction. Later edits of an alert therefore use the bot token (see DiscordNotifier).

import { type REST, Routes } from 'discord.js';
import type { DiscordMessageBody } from './alert-message.js';
import type { EphemeralReplyBody, ReplyBody } from './reply-message.js';

export class InteractionWebhook {
  constructor(
    private readonly rest: REST,
    private readonly applicationId: string,
  ) {}

  /** Replaces a deferred reply, or the message a deferred component press came from. */
  async editOriginal(token: string, body: DiscordMessageBody | ReplyBody): Promise<void> {
    await this.rest.patch(Routes.webhookMessage(this.applicationId, token), { body, auth: false });
  }

  /** Sends a further message, visible only to the user who acted when it has the ephemeral flag. */
  async followUp(token: string, body: EphemeralReplyBody): Promise<void> {
    await this.rest.post(Routes.webhook(this.applicationId, token), { body, auth: false });
  }
}
