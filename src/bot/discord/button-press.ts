// Presses of the buttons on alert messages (message component interactions). The press runs
// in the command core. The response then edits the alert in place (`UPDATE_MESSAGE`), or,
// when the core rejects the press, replies to the presser alone.

import { type APIInteractionResponse, InteractionResponseType } from 'discord.js';
import type { Logger } from 'pino';
import { DrumbeatError } from '../../domain/errors.js';
import type { CommandHandler } from '../commands/context.js';
import { errorReply } from '../commands/replies.js';
import type { AlertView, ReplyView } from '../views.js';
import { parseAlertCustomId, renderAlertMessage } from './alert-message.js';
import type { CurrentAlertRenderer } from './current-alert.js';
import { commandContext, type Interaction } from './interaction.js';
import { answerOrDefer, type InteractionAnswer } from './interaction-answer.js';
import type { InteractionWebhook } from './interaction-webhook.js';
import { ephemeralReply } from './reply-message.js';
import { NOT_IN_SERVER } from './slash-command.js';

export interface ButtonPressDeps {
  commands: CommandHandler;
  renderCurrentAlert: CurrentAlertRenderer;
  webhook: InteractionWebhook;
  logger: Logger;
  now: () => number;
  /** How long the response waits for the press before it defers, in ms. */
  replyWithinMs: number;
}

type PressOutcome =
  | { kind: 'reply'; reply: ReplyView }
  | { kind: 'alert'; view: AlertView }
  /** The incident is gone, so the message stays as it is until the notification worker edits it. */
  | { kind: 'unchanged' };

const UNKNOWN_BUTTON = errorReply(
  new DrumbeatError('command_invalid', 'That button is not one Drumbeat knows.'),
);

export function answerButton(
  interaction: Interaction,
  deps: ButtonPressDeps,
): Promise<InteractionAnswer> {
  const log = deps.logger.child({
    teamId: interaction.guild_id === undefined ? null : `discord:${interaction.guild_id}`,
    customId: interaction.data?.custom_id ?? null,
  });
  return answerOrDefer(press(interaction, deps, log), deps.replyWithinMs, {
    answer: responseFor,
    deferred: { type: InteractionResponseType.DeferredMessageUpdate },
    later: (outcome) => deliverLater(interaction.token, outcome, deps.webhook, log),
  });
}

async function press(
  interaction: Interaction,
  deps: ButtonPressDeps,
  log: Logger,
): Promise<PressOutcome> {
  const button = parseAlertCustomId(interaction.data?.custom_id ?? '');
  if (button === null) return { kind: 'reply', reply: UNKNOWN_BUTTON };
  const ctx = commandContext(interaction, deps.now());
  if (ctx === null) return { kind: 'reply', reply: NOT_IN_SERVER };
  try {
    const reply = await deps.commands.pressButton(button.action, button.value, ctx);
    if (reply !== null) return { kind: 'reply', reply };
    const [monitorId = '', incidentId = ''] = button.value.split(':');
    const view = await deps.renderCurrentAlert(monitorId, incidentId);
    return view === null ? { kind: 'unchanged' } : { kind: 'alert', view };
  } catch (error) {
    log.error({ err: error }, 'Discord button press failed');
    return { kind: 'reply', reply: errorReply(error) };
  }
}

function responseFor(outcome: PressOutcome): APIInteractionResponse {
  if (outcome.kind === 'reply') {
    return {
      type: InteractionResponseType.ChannelMessageWithSource,
      data: ephemeralReply(outcome.reply),
    };
  }
  if (outcome.kind === 'alert') {
    return { type: InteractionResponseType.UpdateMessage, data: renderAlertMessage(outcome.view) };
  }
  return { type: InteractionResponseType.DeferredMessageUpdate };
}

/** Delivers a deferred press: an edit of `@original`, which is the alert itself, or a follow-up. */
async function deliverLater(
  token: string,
  outcome: PressOutcome,
  webhook: InteractionWebhook,
  log: Logger,
) {
  try {
    if (outcome.kind === 'alert')
      await webhook.editOriginal(token, renderAlertMessage(outcome.view));
    if (outcome.kind === 'reply') await webhook.followUp(token, ephemeralReply(outcome.reply));
  } catch (error) {
    log.error({ err: error }, 'Could not deliver the Discord button result after deferring');
  }
}
