// Lays out a digest as a Discord message: the title as the content line, one embed with the
// headline, a field per monitor and what changed, and the attached picture as the embed's image.

import type { APIEmbed } from 'discord.js';
import type { DigestView } from '../../digest/view.js';
import { NO_MENTIONS } from './alert-message.js';
import { DISCORD_LIMITS, escapeAndTruncate, escapeText, truncate } from './markdown.js';

/** Embed colour: Drumbeat's blue, the same for every digest; the picture carries the health. */
const DIGEST_COLOUR = 0x0072b2;

function description(view: DigestView): string {
  const lines = [`**${escapeText(view.headline)}**`];
  if (view.comparison !== null) lines.push(escapeText(view.comparison));
  if (view.allGood !== null) lines.push('', escapeText(view.allGood));
  if (view.others !== null) lines.push('', escapeText(view.others));
  if (view.changes.length > 0) {
    lines.push('', '**What changed**', ...view.changes.map((line) => `• ${escapeText(line)}`));
  }
  return truncate(lines.join('\n'), DISCORD_LIMITS.embedDescription);
}

/** Builds the JSON body of the digest message; `attachment://` names the uploaded picture. */
export function renderDigestMessage(view: DigestView) {
  const embed: APIEmbed = {
    title: truncate(view.title, DISCORD_LIMITS.embedTitle),
    description: description(view),
    color: DIGEST_COLOUR,
    fields: view.monitors.slice(0, DISCORD_LIMITS.fieldsPerEmbed).map((monitor) => ({
      name: truncate(monitor.name, DISCORD_LIMITS.fieldName),
      value: escapeAndTruncate(
        [monitor.summary, ...monitor.details].join('\n'),
        DISCORD_LIMITS.fieldValue,
      ),
    })),
    image: { url: `attachment://${view.image.fileName}` },
    footer: { text: truncate(view.footer, 2048) },
  };
  return {
    content: escapeAndTruncate(view.title, DISCORD_LIMITS.content),
    embeds: [embed],
    attachments: [
      { id: 0, filename: view.image.fileName, description: truncate(view.image.altText, 1024) },
    ],
    allowed_mentions: NO_MENTIONS,
  };
}
