// Presses of the buttons on alert messages (`block_actions` payloads).

import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandContext, CommandHandler } from '../commands/context.js';
import { ALERT_ACTIONS, type AlertAction } from '../views.js';
import { ACTION_ID_PREFIX } from './alert-blocks.js';
import { deliveryKey, type RecentDeliveries } from './recent-deliveries.js';
import { ephemeralReply, internalErrorReply } from './replies.js';
import type { UserTimezones } from './user-timezones.js';

/** Maximum wait for `users.info`. The press is acknowledged first, so it can wait longer. */
const TIMEZONE_WAIT_MS = 2000;

export interface ButtonActionDeps {
  commands: CommandHandler;
  timezones: UserTimezones;
  /** Presses taken, by delivery key, so that a repeated delivery is not pressed twice. */
  deliveries: RecentDeliveries<true>;
  logger: Logger;
  now: () => number;
}

/**
 * Registers the handler for Drumbeat's alert buttons. Each press is acknowledged at once.
 * The command core then edits the alert through the notification queue, or returns a reply
 * that goes to the presser alone.
 */
export function registerButtonActions(app: App, deps: ButtonActionDeps): void {
  const constraints = {
    type: 'block_actions' as const,
    action_id: new RegExp(`^${ACTION_ID_PREFIX}`),
  };
  app.action<BlockAction<ButtonAction>>(
    constraints,
    async ({ body, action, ack, respond, context }) => {
      await ack();

      const ctx = pressContext(body);
      const log = deps.logger.child({
        teamId: ctx.teamId,
        userId: ctx.userId,
        actionId: action.action_id,
      });
      const key = `${deliveryKey(body)}:${action.action_id}`;
      if (deps.deliveries.get(key) !== undefined) {
        log.info({ retryNum: context.retryNum ?? null }, 'Ignored a repeated Slack button press');
        return;
      }
      deps.deliveries.remember(key, true);

      const alertAction = parseAction(action.action_id);
      if (alertAction === null) {
        log.warn('Ignored a press of an unknown Drumbeat button');
        return;
      }

      const reply = await press(deps, alertAction, action.value ?? '', ctx, log);
      if (reply === null) return;
      try {
        await respond({ ...ephemeralReply(reply), replace_original: false });
      } catch (error) {
        log.error({ err: error }, 'Could not send the Slack button reply through response_url');
      }
    },
  );
}

async function press(
  deps: ButtonActionDeps,
  action: AlertAction,
  value: string,
  partial: Omit<CommandContext, 'now' | 'userTimezone'>,
  log: Logger,
) {
  try {
    const now = deps.now();
    const userTimezone = await deps.timezones.lookup(
      partial.teamId,
      partial.userId,
      TIMEZONE_WAIT_MS,
    );
    return await deps.commands.pressButton(action, value, { ...partial, now, userTimezone });
  } catch (error) {
    log.error({ err: error }, 'Slack button press failed');
    return internalErrorReply();
  }
}

function pressContext(
  body: BlockAction<ButtonAction>,
): Omit<CommandContext, 'now' | 'userTimezone'> {
  // On Enterprise Grid `team` can be null for org-wide installs, but the user's team is set.
  const team = body.team?.id ?? body.user.team_id ?? '';
  const container = body.container as { channel_id?: unknown };
  const containerChannel = typeof container.channel_id === 'string' ? container.channel_id : '';
  return {
    platform: 'slack',
    teamId: `slack:${team}`,
    userId: body.user.id,
    channelId: body.channel?.id ?? containerChannel,
  };
}

function parseAction(actionId: string): AlertAction | null {
  const name = actionId.slice(ACTION_ID_PREFIX.length);
  return (ALERT_ACTIONS as readonly string[]).includes(name) ? (name as AlertAction) : null;
}
