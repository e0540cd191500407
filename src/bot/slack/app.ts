// The Slack front end: a Bolt app on an ExpressReceiver, mounted in the service's HTTP server,
// or on a Socket Mode connection.

import { App, type AuthorizeResult, ExpressReceiver, type Receiver } from '@slack/bolt';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Notifier } from '../../scheduler/notifier.js';
import type { CommandHandler } from '../commands/context.js';
import { BackgroundTasks } from '../timing.js';
import type { ReplyView } from '../views.js';
import { registerButtonActions } from './button-actions.js';
import { createChannelResolver } from './channel-resolver.js';
import { toDeliveryError } from './delivery-errors.js';
import { SlackNotifier } from './notifier.js';
import { RecentDeliveries } from './recent-deliveries.js';
import { rejectStaleTimestamps } from './request-timestamp.js';
import { registerSlashCommand } from './slash-command.js';
import { SocketModeConnection } from './socket-mode.js';
import { UserTimezones } from './user-timezones.js';
import { createWebClient, slackClientOptions, toBoltLogger } from './web-client.js';

/** The one URL for slash commands, interactivity and events, as set in the Slack app. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack shows an error when a command gets no response within 3 s, so this leaves a margin. */
const REPLY_WITHIN_MS = 2500;
/** How long `stop` waits for replies still being sent through response_url. */
const STOP_WAIT_MS = 5000;

interface SlackAppBaseOptions {
  botToken: string;
  /** Web API base URL, such as `https://slack.com/api/`. */
  apiUrl: string;
  commands: CommandHandler;
  logger: Logger;
  /** Clock in epoch ms, for command contexts and the request timestamp check. */
  now?: () => number;
}

/** Requests arrive over HTTP at the router, signed with the signing secret. */
interface HttpReceiverOptions {
  signingSecret: string;
  appToken?: never;
}

/** Requests arrive over Socket Mode, on a connection opened with the app-level token. */
interface SocketModeReceiverOptions {
  appToken: string;
  signingSecret?: never;
}

export type SlackAppOptions = SlackAppBaseOptions &
  (HttpReceiverOptions | SocketModeReceiverOptions);

export interface SlackApp {
  /**
   * Serves POST `/slack/events`. Mount it before any body parser: the signature is checked
   * over the raw request bytes. In Socket Mode it serves nothing.
   */
  router: Router;
  notifier: Notifier;
  /**
   * Checks the bot token with `auth.test` and logs the workspace it belongs to. In Socket
   * Mode it then opens the connection.
   */
  start(): Promise<void>;
  /**
   * Closes the Socket Mode connection, if any, and waits briefly for replies still in flight.
   * Safe to call twice.
   */
  stop(): Promise<void>;
}

interface BotIdentity {
  botId?: string;
  botUserId?: string;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const now = options.now ?? (() => Date.now());
  const logger = options.logger.child({ platform: 'slack' });
  const boltLogger = toBoltLogger(logger.child({ component: 'bolt' }));
  const clientOptions = slackClientOptions(options.apiUrl, boltLogger);
  const client = createWebClient(options.botToken, clientOptions);
  const identity: BotIdentity = {};
  const tasks = new BackgroundTasks(logger);
  const timezones = new UserTimezones(client, logger, now);

  const router = Router();
  const { receiver, socketMode } = createReceiver(options, router, now, logger, boltLogger);
  const app = new App({
    receiver,
    authorize: async () => authorization(options.botToken, identity),
    clientOptions,
    logger: boltLogger,
    convoStore: false,
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack request handler failed');
  });

  registerSlashCommand(app, {
    commands: options.commands,
    timezones,
    resolveChannel: createChannelResolver(client, logger),
    deliveries: new RecentDeliveries<Promise<ReplyView>>(now),
    tasks,
    logger,
    now,
    replyWithinMs: REPLY_WITHIN_MS,
  });
  registerButtonActions(app, {
    commands: options.commands,
    timezones,
    deliveries: new RecentDeliveries<true>(now),
    logger,
    now,
  });

  let stopped = false;
  return {
    router,
    notifier: new SlackNotifier(client, logger),
    async start() {
      await checkToken(client, identity, logger);
      await socketMode?.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Take no new requests first, then wait for the replies of those already taken.
      await socketMode?.stop();
      const unfinished = await tasks.drain(STOP_WAIT_MS);
      if (unfinished > 0) logger.warn({ unfinished }, 'Stopped with Slack replies still unsent');
      timezones.clear();
      logger.info('Slack app stopped');
    },
  };
}

/** Builds the receiver of the options' kind. Socket Mode leaves the router empty. */
function createReceiver(
  options: SlackAppOptions,
  router: Router,
  now: () => number,
  logger: Logger,
  boltLogger: ReturnType<typeof toBoltLogger>,
): { receiver: Receiver; socketMode: SocketModeConnection | null } {
  if (options.appToken !== undefined) {
    const socketMode = new SocketModeConnection({
      appToken: options.appToken,
      clientOptions: slackClientOptions(options.apiUrl, boltLogger),
      logger,
      boltLogger,
    });
    return { receiver: socketMode.receiver, socketMode };
  }

  // The timestamp check runs first on the route, because Bolt adds its handlers after it.
  router.post(SLACK_EVENTS_PATH, rejectStaleTimestamps(now, logger));
  const receiver = new ExpressReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    router,
    logger: boltLogger,
    // Send the HTTP response at ack(), not when the handler ends, so slow commands reply later.
    processBeforeResponse: false,
  });
  return { receiver, socketMode: null };
}

function authorization(botToken: string, identity: BotIdentity): AuthorizeResult {
  const result: AuthorizeResult = { botToken };
  if (identity.botId !== undefined) result.botId = identity.botId;
  if (identity.botUserId !== undefined) result.botUserId = identity.botUserId;
  return result;
}

/**
 * Calls `auth.test` and rejects when Slack rejects the token. When Slack cannot be reached,
 * it logs a warning and resolves, so that a Slack outage does not stop the service.
 */
async function checkToken(
  client: ReturnType<typeof createWebClient>,
  identity: BotIdentity,
  logger: Logger,
): Promise<void> {
  try {
    const result = await client.auth.test();
    if (result.bot_id !== undefined) identity.botId = result.bot_id;
    if (result.user_id !== undefined) identity.botUserId = result.user_id;
    logger.info(
      { teamId: `slack:${result.team_id ?? ''}`, team: result.team, botUserId: result.user_id },
      'Slack app connected',
    );
  } catch (error) {
    const failure = toDeliveryError(error, 'auth.test');
    if (failure.permanent) {
      throw new Error(`Slack did not accept SLACK_BOT_TOKEN: ${failure.message}`, { cause: error });
    }
    logger.warn(
      { err: error },
      'Could not reach Slack to check the bot token; going on without it',
    );
  }
}
