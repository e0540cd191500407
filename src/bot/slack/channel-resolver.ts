import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/** A channel mention as Slack escapes it in command text: `<#C0123|finance>` or `<#C0123>`. */
const ESCAPED_MENTION = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
/** Pages of `conversations.list` read at most per lookup, 200 channels each. */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

/**
 * Maps `#name`, a channel id or an escaped mention to a channel id. Names are looked up with
 * `conversations.list` (scopes `channels:read`, `groups:read`). Returns null when no channel
 * matches or the lookup fails, and logs the failure.
 *
 * NOTE: only the first 1,000 channels are searched, so a name in a larger workspace may not
 * be found. The user can then type the channel as a mention.
 */
export function createChannelResolver(client: webApi.WebClient, logger: Logger) {
  return async (nameOrId: string): Promise<string | null> => {
    const text = nameOrId.trim();
    const mention = ESCAPED_MENTION.exec(text);
    if (mention?.[1] !== undefined) return mention[1];
    if (CHANNEL_ID.test(text)) return text;

    const name = text.replace(/^#/, '').toLowerCase();
    try {
      return await findChannelByName(client, name);
    } catch (error) {
      logger.warn({ err: error, channelName: name }, 'Could not look up a Slack channel by name');
      return null;
    }
  };
}

async function findChannelByName(client: webApi.WebClient, name: string): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await client.conversations.list({
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const match = result.channels?.find((channel) => channel.name === name);
    if (match?.id !== undefined) return match.id;

    cursor = result.response_metadata?.next_cursor;
    if (cursor === undefined || cursor === '') return null;
  }
  return null;
}
