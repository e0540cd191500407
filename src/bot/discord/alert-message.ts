// Lays out an alert as a Discord message: the title as the content line, one embed with the
// status, fields and notes, and a row of buttons.
// The words come from the view. Status is shown by an emoji and a word as well as by the
// embed's colour, so that colour is never the only signal.

import {
  ActionRowBuilder,
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
} from 'discord.js';
import type { IncidentKind } from '../../domain/types.js';
import { ALERT_ACTIONS, type AlertAction, type AlertButton, type AlertView } from '../views.js';
import { codeBlock, DISCORD_LIMITS, escapeAndTruncate, truncate } from './markdown.js';

/** The JSON body of a message create or edit, and of an `UPDATE_MESSAGE` response. */
export interface DiscordMessageBody {
  content: string;
  embeds: APIEmbed[];
  /** Empty once the incident is closed; an edit with `[]` removes the buttons. */
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: APIAllowedMentions;
}

/** First part of every button's `custom_id`: `drumbeat:<action>:<monitorId>:<incidentId>`. */
export const CUSTOM_ID_PREFIX = 'drumbeat';

/** Mentions in alerts name people; they must not notify them again on every edit. */
export const NO_MENTIONS: APIAllowedMentions = { parse: [] };

const KIND_LABELS: Record<IncidentKind, { emoji: string; label: string; colour: number }> = {
  late: { emoji: '⏰', label: 'Late', colour: 0xf0b232 },
  missed: { emoji: '⚠️', label: 'Missed', colour: 0xe67e22 },
  failed: { emoji: '❌', label: 'Failed', colour: 0xed4245 },
  hung: { emoji: '⏳', label: 'Hung', colour: 0x9b59b6 },
};

const STATUS_LABELS: Record<AlertView['status'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  closed: 'Closed',
};

const ACKNOWLEDGED_COLOUR = 0x5865f2;
const CLOSED_COLOUR = 0x57f287;

const BUTTON_STYLES: Record<NonNullable<AlertButton['style']> | 'none', ButtonStyle> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  none: ButtonStyle.Secondary,
};

/** Renders an alert as it should read now. */
export function renderAlertMessage(view: AlertView): DiscordMessageBody {
  return {
    content: truncate(
      `${statusEmoji(view)} ${escapeAndTruncate(view.title, 1900)}`,
      DISCORD_LIMITS.content,
    ),
    embeds: [alertEmbed(view)],
    components: buttonRows(view.buttons),
    allowed_mentions: NO_MENTIONS,
  };
}

/** Builds the `custom_id` of an alert button from `button.value`, `<monitorId>:<incidentId>`. */
export function alertCustomId(button: AlertButton): string {
  return `${CUSTOM_ID_PREFIX}:${button.action}:${button.value}`;
}

/** Reads a `custom_id` made by `alertCustomId`, or returns null for anything else. */
export function parseAlertCustomId(
  customId: string,
): { action: AlertAction; value: string } | null {
  const [prefix, action, monitorId, incidentId, ...rest] = customId.split(':');
  if (prefix !== CUSTOM_ID_PREFIX || rest.length > 0) return null;
  if (!(ALERT_ACTIONS as readonly string[]).includes(action ?? '')) return null;
  if (!monitorId || !incidentId) return null;
  return { action: action as AlertAction, value: `${monitorId}:${incidentId}` };
}

function statusEmoji(view: AlertView): string {
  if (view.status === 'closed') return '✅';
  if (view.status === 'acknowledged') return '👀';
  return KIND_LABELS[view.kind].emoji;
}

function colour(view: AlertView): number {
  if (view.status === 'closed') return CLOSED_COLOUR;
  if (view.status === 'acknowledged') return ACKNOWLEDGED_COLOUR;
  return KIND_LABELS[view.kind].colour;
}

function alertEmbed(view: AlertView): APIEmbed {
  // The content line carries the title, so the embed starts with the status.
  const embed = new EmbedBuilder().setColor(colour(view)).setDescription(description(view));
  const fields = view.fields.slice(0, DISCORD_LIMITS.fieldsPerEmbed).map((field) => ({
    name: escapeAndTruncate(field.label, DISCORD_LIMITS.fieldName),
    // Discord rejects an empty field value.
    value: escapeAndTruncate(field.value, DISCORD_LIMITS.fieldValue) || '-',
    inline: true,
  }));
  if (fields.length > 0) embed.addFields(fields);
  return embed.toJSON();
}

/** Writes the status line, the notes and the excerpt of the job's output, within the limit. */
function description(view: AlertView): string {
  const status = `**${KIND_LABELS[view.kind].label}** · ${STATUS_LABELS[view.status]}`;
  const parts = [status, ...view.notes.map((note) => escapeAndTruncate(note, 1000))];
  let text = parts.join('\n');
  if (view.output !== null && view.output.length > 0) {
    const room = DISCORD_LIMITS.embedDescription - text.length - 2;
    if (room > 20) text += `\n\n${codeBlock(view.output, room)}`;
  }
  return truncate(text, DISCORD_LIMITS.embedDescription);
}

function buttonRows(buttons: AlertButton[]): DiscordMessageBody['components'] {
  const components: ButtonBuilder[] = [];
  for (const button of buttons) {
    const customId = alertCustomId(button);
    // Ids are short (a 16-character monitor id and an incident id made from it), so this
    // only guards against a change elsewhere making Discord reject the whole message.
    if (customId.length > DISCORD_LIMITS.customId) continue;
    components.push(
      new ButtonBuilder()
        .setCustomId(customId)
        .setLabel(truncate(button.label, DISCORD_LIMITS.buttonLabel))
        .setStyle(BUTTON_STYLES[button.style ?? 'none']),
    );
  }
  if (components.length === 0) return [];
  return [new ActionRowBuilder<ButtonBuilder>().addComponents(components).toJSON()];
}
