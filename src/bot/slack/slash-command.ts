// The `/drumbeat` slash command. The HTTP response goes out within Slack's 3 seconds: with the
// reply when the command core is quick, else with a short note and the reply later through
// response_url.

import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandContext, CommandHandler } from '../commands/context.js';
import { type BackgroundTasks, settleWithin, startBudget, TIMED_OUT } from '../timing.js';
import type { ReplyView } from '../views.js';
import { deliveryKey, type RecentDeliveries } from './recent-deliveries.js';
import { ephemeralReply, internalErrorReply, WORKING_ON_IT } from './replies.js';
import type { UserTimezones } from './user-timezones.js';

/** Maximum wait for `users.info` before a command runs without the user's zone. */
const TIMEZONE_WAIT_MS = 1000;

export interface SlashCommandDeps {
  commands: CommandHandler;
  timezones: UserTimezones;
  resolveChannel: (nameOrId: string) => Promise<string | null>;
  /** Replies by delivery key, so that a repeated delivery gets the first one's reply. */
  deliveries: RecentDeliveries<Promise<ReplyView>>;
  tasks: BackgroundTasks;
  logger: Logger;
  now: () => number;
  /** How long the HTTP response waits for the reply before it is sent as "Working on it". */
  replyWithinMs: number;
}

/** Registers the handler for every slash command sent to this app, whatever its name. */
export function registerSlashCommand(app: App, deps: SlashCommandDeps): void {
  app.command(/^\/.+/, async ({ command, ack, respond, context }) => {
    const budget = startBudget(deps.replyWithinMs);
    const key = deliveryKey(command);
    const log = deps.logger.child({
      teamId: `slack:${command.team_id}`,
      userId: command.user_id,
      channelId: command.channel_id,
    });

    // A repeated delivery gets the first one's reply if it is ready, and runs nothing.
    const earlier = deps.deliveries.get(key);
    if (earlier !== undefined) {
      log.info({ retryNum: context.retryNum ?? null }, 'Ignored a repeated Slack command');
      const reply = await settleWithin(earlier, budget.remainingMs());
      await ack(reply === TIMED_OUT ? undefined : ephemeralReply(reply));
      return;
    }

    const replyPromise = runCommand(deps, command, log);
    deps.deliveries.remember(key, replyPromise);

    const reply = await settleWithin(replyPromise, budget.remainingMs());
    if (reply !== TIMED_OUT) {
      await ack(ephemeralReply(reply));
      return;
    }

    await ack(WORKING_ON_IT);
    log.info('Slack command still running, so its reply will go through response_url');
    deps.tasks.track(sendLater(replyPromise, respond, log));
  });
}

/** Runs the command core, and resolves with an error reply instead of rejecting. */
async function runCommand(deps: SlashCommandDeps, command: SlashCommand, log: Logger) {
  try {
    const ctx = await commandContext(deps, command);
    return await deps.commands.run(command.text, ctx);
  } catch (error) {
    log.error({ err: error }, 'Slack command failed');
    return internalErrorReply();
  }
}

async function commandContext(deps: SlashCommandDeps, command: SlashCommand) {
  const teamId = `slack:${command.team_id}`;
  const now = deps.now();
  const userTimezone = await deps.timezones.lookup(teamId, command.user_id, TIMEZONE_WAIT_MS);
  const ctx: CommandContext = {
    platform: 'slack',
    teamId,
    userId: command.user_id,
    channelId: command.channel_id,
    now,
    userTimezone,
    resolveChannel: deps.resolveChannel,
  };
  return ctx;
}

async function sendLater(replyPromise: Promise<ReplyView>, respond: RespondFn, log: Logger) {
  const reply = await replyPromise;
  try {
    await respond(ephemeralReply(reply));
  } catch (error) {
    // A response_url takes 5 posts within 30 minutes. Past that the user gets nothing.
    log.error({ err: error }, 'Could not send the Slack command reply through response_url');
  }
}
