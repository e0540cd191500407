// The Discord front end: the interactions endpoint, mounted in the service's HTTP server, and
// the notifier that posts alerts with the bot token.

import {
  DiscordAPIError,
  InteractionResponseType,
  InteractionType,
  type REST,
  Routes,
} from 'discord.js';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Notifier } from '../../scheduler/notifier.js';
import type { CommandHandler } from '../commands/context.js';
import { BackgroundTasks } from '../timing.js';
import { answerAutocomplete } from './autocomplete.js';
import { answerButton } from './button-press.js';
import type { CurrentAlertRenderer } from './current-alert.js';
import type { Interaction } from './interaction.js';
import type { InteractionAnswer } from './interaction-answer.js';
import { InteractionWebhook } from './interaction-webhook.js';
import { createInteractionsRouter } from './interactions-router.js';
import { DiscordNotifier } from './notifier.js';
import { closeRestClient, createRestClient } from './rest-client.js';
import { createSignatureChecker } from './signature.js';
import { answerCommand } from './slash-command.js';

/** Discord fails an interaction that gets no response within 3 s, so this leaves a margin. */
const REPLY_WITHIN_MS = 2500;
/** Maximum rate-limit wait an alert delivery sits out in the worker, in ms. Longer ones go back to the queue. */
const MAX_ALERT_RATE_LIMIT_WAIT_MS = 10_000;
/** How long `stop` waits for deferred replies still being sent. */
const STOP_WAIT_MS = 5000;

export interface DiscordAppOptions {
  applicationId: string;
  /** The application's Ed25519 public key, as 64 hex characters. */
  publicKey: string;
  botToken: string;
  /** REST API base without the version, such as `https://discord.com/api`. */
  apiUrl: string;
  commands: CommandHandler;
  listMonitorNames: (teamId: string) => Promise<string[]>;
  renderCurrentAlert: CurrentAlertRenderer;
  logger: Logger;
  /** Epoch ms; for command contexts and the signature timestamp check. */
  now?: () => number;
  /** How long a response waits for the work before it defers, in ms. Default 2500. */
  replyWithinMs?: number;
}

export interface DiscordApp {
  /** Serves POST `/discord/interactions`. It reads the raw body itself. */
  router: Router;
  notifier: Notifier;
  /** Checks the bot token with `GET /users/@me` and logs the bot it belongs to. */
  start(): Promise<void>;
  /** Waits briefly for deferred replies still in flight. Safe to call twice. */
  stop(): Promise<void>;
}

export function createDiscordApp(options: DiscordAppOptions): DiscordApp {
  const now = options.now ?? (() => Date.now());
  const logger = options.logger.child({ platform: 'discord' });
  const tasks = new BackgroundTasks(logger);
  // Interaction edits have no queue behind them, so this client retries 5xx responses itself.
  const interactionRest = createRestClient({ apiUrl: options.apiUrl, botToken: options.botToken });
  // Alert deliveries are retried with backoff by the notification queue.
  const alertRest = createRestClient({
    apiUrl: options.apiUrl,
    botToken: options.botToken,
    retries: 0,
    maxRateLimitWaitMs: MAX_ALERT_RATE_LIMIT_WAIT_MS,
  });

  let stopped = false;
  return {
    router: createInteractionsRouter({
      checkSignature: createSignatureChecker(options.publicKey),
      answer: createDispatcher(options, interactionRest, logger, now),
      tasks,
      logger,
      now,
    }),
    notifier: new DiscordNotifier(alertRest, options.botToken),
    start: () => checkToken(alertRest, logger),
    async stop() {
      if (stopped) return;
      stopped = true;
      const unfinished = await tasks.drain(STOP_WAIT_MS);
      if (unfinished > 0) logger.warn({ unfinished }, 'Stopped with Discord replies still unsent');
      closeRestClient(interactionRest);
      closeRestClient(alertRest);
      logger.info('Discord front end stopped');
    },
  };
}

/** Routes each interaction to the handler for its type, or to null for a type it does not handle. */
function createDispatcher(
  options: DiscordAppOptions,
  rest: REST,
  logger: Logger,
  now: () => number,
) {
  const replyWithinMs = options.replyWithinMs ?? REPLY_WITHIN_MS;
  const webhook = new InteractionWebhook(rest, options.applicationId);
  const shared = { commands: options.commands, webhook, logger, now, replyWithinMs };
  const buttonDeps = { ...shared, renderCurrentAlert: options.renderCurrentAlert };
  const autocompleteDeps = { listMonitorNames: options.listMonitorNames, logger, replyWithinMs };

  return async (interaction: Interaction): Promise<InteractionAnswer | null> => {
    switch (interaction.type) {
      case InteractionType.Ping:
        return { body: { type: InteractionResponseType.Pong } };
      case InteractionType.ApplicationCommand:
        return answerCommand(interaction, { ...shared, rest });
      case InteractionType.MessageComponent:
        return answerButton(interaction, buttonDeps);
      case InteractionType.ApplicationCommandAutocomplete:
        return answerAutocomplete(interaction, autocompleteDeps);
      default:
        return null;
    }
  };
}

/**
 * Calls `GET /users/@me`, and rejects when Discord rejects the token. When Discord cannot be
 * reached, it logs a warning and resolves, so that a Discord outage does not stop the service.
 */
async function checkToken(rest: REST, logger: Logger): Promise<void> {
  try {
    const bot = (await rest.get(Routes.user())) as { id: string; username: string };
    logger.info({ botUserId: bot.id, botName: bot.username }, 'Discord bot token accepted');
  } catch (error) {
    if (error instanceof DiscordAPIError && error.status === 401) {
      throw new Error(
        'Discord did not accept DISCORD_BOT_TOKEN: reset the token on the Bot page and set it again.',
        {
          cause: error,
        },
      );
    }
    logger.warn(
      { err: error },
      'Could not reach Discord to check the bot token; going on without it',
    );
  }
}
