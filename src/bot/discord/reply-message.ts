// Lays out a command reply as embeds: the summary as the title, then each section as a bold
// title, its lines and a code block. Long replies continue in further embeds, within
// Discord's limits for one message.

import { type APIEmbed, EmbedBuilder, MessageFlags } from 'discord.js';
import type { ReplyLine, ReplySection, ReplyView } from '../views.js';
import { type DiscordMessageBody, NO_MENTIONS } from './alert-message.js';
import { NAME_OPTION, ZONE_OPTION } from './commands.js';
import { codeBlock, DISCORD_LIMITS, escapeAndTruncate, escapeText } from './markdown.js';

/** The JSON body of a reply, or of an edit of one. */
export type ReplyBody = Pick<DiscordMessageBody, 'embeds' | 'allowed_mentions'>;

/** A reply visible only to the user who typed the command or pressed the button. */
export type EphemeralReplyBody = ReplyBody & { flags: MessageFlags.Ephemeral };

const REPLY_COLOUR = 0x5865f2;
const ERROR_COLOUR = 0xed4245;
const ERROR_EMOJI = '⚠️';

/** Characters kept free for the note that tells the user part of the reply was cut. */
const CUT_NOTE_ROOM = 120;

/** Renders a reply as embeds. */
export function renderReplyMessage(reply: ReplyView): ReplyBody {
  return { embeds: replyEmbeds(reply), allowed_mentions: NO_MENTIONS };
}

export function ephemeralReply(reply: ReplyView): EphemeralReplyBody {
  return { ...renderReplyMessage(reply), flags: MessageFlags.Ephemeral };
}

export function replyEmbeds(reply: ReplyView): APIEmbed[] {
  const title = escapeAndTruncate(
    reply.isError ? `${ERROR_EMOJI} ${reply.summary}` : reply.summary,
    DISCORD_LIMITS.embedTitle,
  );
  const texts = reply.sections.flatMap((section, index) => {
    const lines = sectionTexts(section);
    // A blank line between sections.
    if (index > 0 && lines.length > 0) lines[0] = `\n${lines[0]}`;
    return lines;
  });
  const descriptions = packTexts(texts, DISCORD_LIMITS.embedDescription);
  const colour = reply.isError ? ERROR_COLOUR : REPLY_COLOUR;

  const embeds: APIEmbed[] = [];
  let used = title.length;
  for (const [index, text] of descriptions.entries()) {
    const last = embeds.length === DISCORD_LIMITS.embedsPerMessage - 1;
    const fits = used + text.length <= DISCORD_LIMITS.embedsTotal - CUT_NOTE_ROOM;
    if (!fits || (last && index < descriptions.length - 1)) {
      embeds.push(cutNote(colour, descriptions.length - index));
      break;
    }
    embeds.push(embedOf(colour, index === 0 ? title : null, text));
    used += text.length;
  }
  if (embeds.length === 0) embeds.push(embedOf(colour, title, null));
  return embeds;
}

function embedOf(colour: number, title: string | null, description: string | null): APIEmbed {
  const embed = new EmbedBuilder().setColor(colour);
  if (title !== null && title !== '') embed.setTitle(title);
  if (description !== null && description !== '') embed.setDescription(description);
  return embed.toJSON();
}

function cutNote(colour: number, hiddenParts: number): APIEmbed {
  const parts = hiddenParts === 1 ? '1 more part' : `${hiddenParts} more parts`;
  return embedOf(
    colour,
    null,
    `*${parts} of this reply not shown: Discord limits the length of one message.*`,
  );
}

/**
 * Renders a command as inline code. Markdown has no escape inside code, so a command with a
 * backtick goes between double backticks, and one with a double backtick is shown as plain text.
 */
function inlineCode(command: string): string {
  if (!command.includes('`')) return `\`${command}\``;
  if (!command.includes('``')) return `\`\` ${command} \`\``;
  return escapeText(command);
}

/** Renders a line, with its command rewritten into options and shown as inline code. */
function lineMarkdown(line: ReplyLine): string {
  const limit = DISCORD_LIMITS.embedDescription;
  if (typeof line === 'string') return escapeAndTruncate(discordExample(line), limit);
  const command = discordExample(line.command);
  const text = `${escapeText(line.lead)}${inlineCode(command)}`;
  return text.length <= limit ? text : escapeAndTruncate(`${line.lead}${command}`, limit);
}

/** Splits a section into lines that each fit one embed description. */
function sectionTexts(section: ReplySection): string[] {
  const lines = section.lines.map(lineMarkdown);
  if (section.title !== null) lines.unshift(`**${escapeText(section.title)}**`);
  if (section.code !== null) lines.push(codeBlock(section.code, DISCORD_LIMITS.embedDescription));
  return lines;
}

// An example of `new` in a command or a line of text. It ends at the line's end.
const NEW_EXAMPLE = /\/drumbeat new ([a-z0-9][a-z0-9._-]*) (.+)$/;

// The examples of the other subcommands with options, and the option names that go before the
// words of the example (see commands.ts). A silence's `for` is left out, because the command
// reads `how_long:2 hours` as "for 2 hours".
const OPTION_EXAMPLES: readonly (readonly [RegExp, string])[] = [
  [
    /\/drumbeat (status|pause|resume|unsilence|delete) (?=[a-z0-9])/g,
    `/drumbeat $1 ${NAME_OPTION}:`,
  ],
  [
    /\/drumbeat silence ([a-z0-9][a-z0-9._-]*) (?:for )?/g,
    `/drumbeat silence ${NAME_OPTION}:$1 how_long:`,
  ],
  [/\/drumbeat timezone (?=[A-Za-z<])/g, `/drumbeat timezone ${ZONE_OPTION}:`],
  [/\/drumbeat digest (?=weekly|daily|off)/g, '/drumbeat digest schedule:'],
];

/**
 * Rewrites the commands in a command or a line of text, written as a Slack user types them,
 * into the options of the Discord command: `/drumbeat new backup every day at 2am grace 30m`
 * becomes `/drumbeat new name:backup schedule:every day at 2am grace 30m`, and
 * `/drumbeat timezone UTC` becomes `/drumbeat timezone zone:UTC`. The core reads the whole
 * schedule option as it reads Slack's text, so options such as grace can stay in it.
 */
export function discordExample(line: string): string {
  let rewritten = line.replace(NEW_EXAMPLE, '/drumbeat new name:$1 schedule:$2');
  for (const [pattern, replacement] of OPTION_EXAMPLES) {
    rewritten = rewritten.replace(pattern, replacement);
  }
  return rewritten;
}

/** Joins texts with newlines into as few strings of at most `maxLength` as they fit. */
function packTexts(texts: string[], maxLength: number): string[] {
  const packed: string[] = [];
  let current = '';
  for (const text of texts) {
    if (current === '') current = text;
    else if (current.length + 1 + text.length <= maxLength) current += `\n${text}`;
    else {
      packed.push(current);
      current = text;
    }
  }
  if (current !== '') packed.push(current);
  return packed;
}
