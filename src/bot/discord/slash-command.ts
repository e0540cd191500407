// The `/drumbeat` application command: its options become the text the command core runs,
// and the reply goes back as an ephemeral message, deferred when the core is slow.

import { InteractionResponseType, MessageFlags, type REST } from 'discord.js';
import type { Logger } from 'pino';
import { DrumbeatError } from '../../domain/errors.js';
import type { CommandHandler } from '../commands/context.js';
import { errorReply } from '../commands/replies.js';
import type { ReplyView } from '../views.js';
import { createChannelResolver } from './channel-resolver.js';
import { commandText } from './command-text.js';
import { commandContext, type Interaction, readSubcommand } from './interaction.js';
import { answerOrDefer, type InteractionAnswer } from './interaction-answer.js';
import type { InteractionWebhook } from './interaction-webhook.js';
import { ephemeralReply, renderReplyMessage } from './reply-message.js';

export interface SlashCommandDeps {
  commands: CommandHandler;
  webhook: InteractionWebhook;
  /** Bot-token client, to find a channel named in the command's text. */
  rest: REST;
  logger: Logger;
  now: () => number;
  /** How long the response waits for the reply before it defers, in ms. */
  replyWithinMs: number;
}

/** The reply outside a server, where there is no team to hold monitors. */
export const NOT_IN_SERVER = errorReply(
  new DrumbeatError(
    'command_invalid',
    'Drumbeat works in servers: use /drumbeat in a channel of your server.',
  ),
);

export function answerCommand(
  interaction: Interaction,
  deps: SlashCommandDeps,
): Promise<InteractionAnswer> {
  const log = deps.logger.child({
    teamId: interaction.guild_id === undefined ? null : `discord:${interaction.guild_id}`,
    interactionId: interaction.id,
  });
  return answerOrDefer(runCommand(interaction, deps, log), deps.replyWithinMs, {
    answer: (reply) => ({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: ephemeralReply(reply),
    }),
    deferred: {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    },
    later: async (reply) => {
      log.info('Discord command outlasted the response; editing the deferred reply');
      try {
        await deps.webhook.editOriginal(interaction.token, renderReplyMessage(reply));
      } catch (error) {
        log.error({ err: error }, 'Could not edit the deferred Discord reply');
      }
    },
  });
}

/** Runs the command core; resolves with an error reply instead of rejecting. */
async function runCommand(
  interaction: Interaction,
  deps: SlashCommandDeps,
  log: Logger,
): Promise<ReplyView> {
  const partial = commandContext(interaction, deps.now());
  if (partial === null) return NOT_IN_SERVER;
  const guildId = interaction.guild_id ?? '';
  const ctx = { ...partial, resolveChannel: createChannelResolver(deps.rest, guildId, log) };
  const sub = readSubcommand(interaction);
  if (sub === null) {
    return errorReply(
      new DrumbeatError('command_invalid', 'Pick a subcommand of /drumbeat.', '/drumbeat help'),
    );
  }
  try {
    return await deps.commands.run(commandText(sub), ctx);
  } catch (error) {
    if (!(error instanceof DrumbeatError)) log.error({ err: error }, 'Discord command failed');
    return errorReply(error);
  }
}
