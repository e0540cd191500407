import type { Platform } from '../../domain/types.js';
import type { AlertAction, ReplyView } from '../views.js';

/** The team, user, channel and time of a command. */
export interface CommandContext {
  platform: Platform;
  /** The team id with its platform prefix: `slack:T123`, `discord:456`, `cli:local`. */
  teamId: string;
  userId: string;
  /** The channel the command was typed in; new monitors alert it unless the command names another. */
  channelId: string;
  now: number;
  /** The user's own IANA zone when the platform provides it, used until the team sets one. */
  userTimezone: string | null;
  /** Maps a channel name typed as `#name` to the platform's channel id, when it can. */
  resolveChannel?: (nameOrId: string) => Promise<string | null>;
}

/** The platform-neutral command core that every chat front end calls. */
export interface CommandHandler {
  /** Runs `/drumbeat <text>` and returns the reply. Never throws for bad input. */
  run(text: string, ctx: CommandContext): Promise<ReplyView>;
  /**
   * Runs a button press on an alert. `value` is the button's value. Returns a reply for the
   * presser only when the press was rejected (another team, a deleted monitor); null when the
   * alert message itself is updated.
   */
  pressButton(action: AlertAction, value: string, ctx: CommandContext): Promise<ReplyView | null>;
}
