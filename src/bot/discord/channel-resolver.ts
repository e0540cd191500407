// Finds the channel a command names, for `in #ops` typed into a command's text. The channel
// option of `/drumbeat new` carries the id already.

import { ChannelType, type REST, Routes } from 'discord.js';
import type { Logger } from 'pino';

const ALERT_CHANNEL_TYPES = new Set<number>([ChannelType.GuildText, ChannelType.GuildAnnouncement]);
const SNOWFLAKE = /^\d{5,20}$/;

interface GuildChannel {
  id: string;
  name?: string;
  type: number;
}

/**
 * Returns a resolver for one guild: a channel id is taken as it is, and a name is looked up
 * among the guild's text and announcement channels with the bot token. Null when none matches
 * or the lookup fails.
 */
export function createChannelResolver(rest: REST, guildId: string, logger: Logger) {
  return async (nameOrId: string): Promise<string | null> => {
    const requested = nameOrId.replace(/^#/, '');
    if (SNOWFLAKE.test(requested)) return requested;
    try {
      const channels = (await rest.get(Routes.guildChannels(guildId))) as GuildChannel[];
      const match = channels.find(
        (channel) =>
          ALERT_CHANNEL_TYPES.has(channel.type) &&
          channel.name?.toLowerCase() === requested.toLowerCase(),
      );
      return match?.id ?? null;
    } catch (error) {
      logger.warn(
        { err: error, teamId: `discord:${guildId}` },
        'Could not list the server channels to find one',
      );
      return null;
    }
  };
}
