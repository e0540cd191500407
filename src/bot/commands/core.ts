import type { Logger } from 'pino';
import type { DigestCommands } from '../../digest/commands.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { MonitorEvent } from '../../domain/machine.js';
import type { Monitor } from '../../domain/types.js';
import type { MonitorEvents } from '../../scheduler/monitor-events.js';
import type { MonitorStore } from '../../store/monitors.js';
import type { TeamStore } from '../../store/teams.js';
import { closestOf } from '../language/suggest.js';
import { ALERT_ACTIONS, type AlertAction, type ReplyView } from '../views.js';
import type { CommandContext, CommandHandler } from './context.js';
import { MonitorCommands } from './monitor-commands.js';
import { errorReply, helpReply, reply } from './replies.js';

export interface CommandCoreOptions {
  store: MonitorStore;
  teams: TeamStore;
  events: MonitorEvents;
  logger: Logger;
  /** Base of the ping URLs shown to users, without a trailing slash. */
  publicUrl: string;
  maxCommandLength?: number;
  /** `/drumbeat digest`; without it the command says digests are not set up. */
  digests?: DigestCommands;
}

export const MAX_COMMAND_LENGTH = 1000;

const SILENCE_BUTTON_MS = 3_600_000;
// The commands that run with nothing after their word.
const WORD_ALONE_COMMANDS = new Set(['help', 'list', 'pingkey', 'timezone', 'digest']);
// The command words a typo is checked against, one form of each command.
const COMMAND_WORDS = [
  'help',
  'new',
  'list',
  'status',
  'silence',
  'unsilence',
  'pause',
  'resume',
  'pingkey',
  'delete',
  'timezone',
  'digest',
];

/** Splits command text into its lowercased first word and the rest, with spaces collapsed. */
function splitCommand(text: string): { verb: string; rest: string } {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const space = trimmed.indexOf(' ');
  const verb = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  return { verb, rest };
}

/** The platform-neutral `/drumbeat` command core. */
export class CommandCore implements CommandHandler {
  private readonly monitors: MonitorCommands;

  constructor(private readonly options: CommandCoreOptions) {
    this.monitors = new MonitorCommands(options);
  }

  async run(text: string, ctx: CommandContext): Promise<ReplyView> {
    try {
      return await this.runOrThrow(text, ctx);
    } catch (error) {
      const verb = splitCommand(text).verb;
      this.options.logger.error({ err: error, teamId: ctx.teamId, verb }, 'command failed');
      return errorReply(error);
    }
  }

  /**
   * Runs a command like `run`, but throws every error other than a user's mistake instead of
   * logging it, for a caller that reports such errors itself, as the command line does.
   */
  async runOrThrow(text: string, ctx: CommandContext): Promise<ReplyView> {
    const maxLength = this.options.maxCommandLength ?? MAX_COMMAND_LENGTH;
    if (text.length > maxLength) {
      return errorReply(
        new DrumbeatError(
          'command_invalid',
          `That command is ${text.length} characters long; the limit is ${maxLength}.`,
        ),
      );
    }
    const { verb, rest } = splitCommand(text);
    try {
      return await this.dispatch(verb, rest, ctx);
    } catch (error) {
      if (error instanceof DrumbeatError) return errorReply(error);
      throw error;
    }
  }

  private dispatch(verb: string, rest: string, ctx: CommandContext): Promise<ReplyView> {
    const m = this.monitors;
    switch (verb) {
      case '':
      case 'help':
        return Promise.resolve(helpReply());
      case 'new':
      case 'add':
      case 'create':
        return m.create(rest, ctx);
      case 'list':
      case 'ls':
        if (rest !== '') return Promise.reject(listWithText(verb, rest));
        return m.list(ctx);
      case 'status':
      case 'show':
        return m.status(rest, ctx);
      case 'silence':
      case 'mute':
        return m.silence(rest, ctx);
      case 'unsilence':
      case 'unmute':
        return m.simple(
          rest,
          ctx,
          { type: 'unsilence', by: ctx.userId },
          {
            done: 'is no longer silenced',
            unchanged: 'is not silenced',
          },
        );
      case 'pause':
        return m.simple(
          rest,
          ctx,
          { type: 'pause', by: ctx.userId },
          {
            done: 'is paused until resumed or pinged',
            unchanged: 'is paused already',
          },
        );
      case 'resume':
      case 'unpause':
        return m.simple(
          rest,
          ctx,
          { type: 'resume', by: ctx.userId },
          {
            done: 'is resumed',
            unchanged: 'is not paused',
          },
        );
      case 'pingkey':
      case 'ping-key':
        return m.pingKey(ctx);
      case 'delete':
      case 'remove':
      case 'rm':
        return m.delete(rest, ctx);
      case 'timezone':
      case 'tz':
        return m.timezone(rest, ctx);
      case 'digest':
        if (!this.options.digests) {
          throw new DrumbeatError('command_invalid', 'Digests are not set up on this server.');
        }
        return this.options.digests.run(rest, ctx);
      default: {
        const command = closestOf(verb, COMMAND_WORDS);
        // A command that needs more than its word would fail as suggested, so help comes instead.
        const runs = command !== null && (rest !== '' || WORD_ALONE_COMMANDS.has(command));
        throw new DrumbeatError(
          'command_invalid',
          `"${verb}" is not a Drumbeat command.${command ? ` Did you mean "${command}"?` : ''}`,
          runs ? `/drumbeat ${[command, rest].join(' ').trim()}` : '/drumbeat help',
        );
      }
    }
  }

  async pressButton(
    action: AlertAction,
    value: string,
    ctx: CommandContext,
  ): Promise<ReplyView | null> {
    try {
      if (!ALERT_ACTIONS.includes(action)) {
        return errorReply(
          new DrumbeatError('command_invalid', 'That button is not one Drumbeat knows.'),
        );
      }
      const [monitorId = '', incidentId = ''] = value.split(':');
      const stored = await this.options.store.get(monitorId);
      const monitor = stored?.monitor;
      if (!monitor) return reply('This monitor was deleted, so there is nothing to do.');
      if (monitor.teamId !== ctx.teamId) {
        this.options.logger.warn(
          { monitorId, teamId: ctx.teamId },
          'button press from another team',
        );
        const team = ctx.platform === 'discord' ? 'server' : 'workspace';
        return reply(`This alert belongs to another ${team}, so Drumbeat did nothing.`);
      }
      if (monitor.incident?.id !== incidentId && action !== 'pause') {
        return reply(`This incident of ${monitor.name} is already closed.`);
      }
      const result = await this.options.events.apply(
        monitorId,
        this.buttonEvent(action, incidentId, ctx),
        {
          stored: stored ?? null,
        },
      );
      if (result.status === 'not_found')
        return reply('This monitor was deleted, so there is nothing to do.');
      return this.afterPress(action, monitor, result.transition.changed);
    } catch (error) {
      this.options.logger.error({ err: error, teamId: ctx.teamId, action }, 'button press failed');
      return errorReply(error);
    }
  }

  private buttonEvent(action: AlertAction, incidentId: string, ctx: CommandContext): MonitorEvent {
    if (action === 'acknowledge') return { type: 'acknowledge', incidentId, by: ctx.userId };
    if (action === 'silence_1h')
      return { type: 'silence', until: ctx.now + SILENCE_BUTTON_MS, by: ctx.userId };
    return { type: 'pause', by: ctx.userId };
  }

  private afterPress(action: AlertAction, monitor: Monitor, changed: boolean): ReplyView | null {
    if (changed) return null;
    if (action === 'acknowledge')
      return reply(`This incident of ${monitor.name} is acknowledged already.`);
    if (action === 'pause') return reply(`${monitor.name} is paused already.`);
    return null;
  }
}

/** Returns the error for `list` with text after it, which it would otherwise ignore. */
function listWithText(verb: string, rest: string): DrumbeatError {
  return new DrumbeatError(
    'command_invalid',
    `"${verb}" shows every monitor and takes nothing after it, so "${rest}" was not used. ` +
      'To see one monitor, use status with its name.',
    '/drumbeat list',
  );
}
