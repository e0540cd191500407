// Lays out an alert as a Block Kit message. The words come from the view, and this file picks
// the blocks, the emoji and the limits. State is shown by emoji and a word, never by colour alone.

import type { types } from '@slack/bolt';
import type { IncidentKind } from '../../domain/types.js';
import type { AlertButton, AlertView, ViewField } from '../views.js';
import {
  codeBlock,
  escapeAndTruncate,
  escapeMrkdwn,
  SLACK_LIMITS,
  truncateText,
} from './mrkdwn.js';

/** A message body for `chat.postMessage`, `chat.update` or a `response_url`. */
export interface SlackMessage {
  /** Plain fallback, shown in notifications and read by screen readers. */
  text: string;
  blocks: types.KnownBlock[];
}

/** Prefix of every button's `action_id`, which ends with the `AlertAction`. */
export const ACTION_ID_PREFIX = 'drumbeat:';

const KIND_LABELS: Record<IncidentKind, { emoji: string; label: string }> = {
  late: { emoji: ':alarm_clock:', label: 'Late' },
  missed: { emoji: ':warning:', label: 'Missed' },
  failed: { emoji: ':x:', label: 'Failed' },
  hung: { emoji: ':hourglass:', label: 'Hung' },
};

const STATUS_LABELS: Record<AlertView['status'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  closed: 'Closed',
};

/** Renders an alert as blocks: header, status, fields, notes, output, buttons. */
export function renderAlertMessage(view: AlertView): SlackMessage {
  const blocks: types.KnownBlock[] = [headerBlock(view), statusBlock(view)];
  blocks.push(...fieldBlocks(view.fields));
  if (view.notes.length > 0) blocks.push(notesBlock(view.notes));
  if (view.output !== null && view.output.length > 0) {
    blocks.push(mrkdwnSection(codeBlock(view.output, SLACK_LIMITS.sectionText)));
  }
  if (view.buttons.length > 0) blocks.push(actionsBlock(view.buttons));
  return { text: fallbackText(view), blocks };
}

function statusEmoji(view: AlertView): string {
  if (view.status === 'closed') return ':white_check_mark:';
  if (view.status === 'acknowledged') return ':eyes:';
  return KIND_LABELS[view.kind].emoji;
}

function headerBlock(view: AlertView): types.HeaderBlock {
  const text = truncateText(`${statusEmoji(view)} ${view.title}`, SLACK_LIMITS.headerText);
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

function statusBlock(view: AlertView): types.ContextBlock {
  const text = `*${KIND_LABELS[view.kind].label}* · ${STATUS_LABELS[view.status]}`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Splits fields into sections of ten, the maximum a section takes. */
function fieldBlocks(fields: ViewField[]): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  for (let start = 0; start < fields.length; start += SLACK_LIMITS.fieldsPerSection) {
    const chunk = fields.slice(start, start + SLACK_LIMITS.fieldsPerSection);
    sections.push({
      type: 'section',
      fields: chunk.map((field) => ({ type: 'mrkdwn', text: fieldText(field) })),
    });
  }
  return sections;
}

function fieldText(field: ViewField): string {
  const label = `*${escapeMrkdwn(field.label)}*\n`;
  return label + escapeAndTruncate(field.value, SLACK_LIMITS.fieldText - label.length);
}

/** Renders notes as context lines. Past the element limit, the rest share the last element. */
function notesBlock(notes: string[]): types.ContextBlock {
  const limit = SLACK_LIMITS.contextElements;
  const lines =
    notes.length <= limit
      ? notes
      : [...notes.slice(0, limit - 1), notes.slice(limit - 1).join('\n')];
  return {
    type: 'context',
    elements: lines.map((line) => ({
      type: 'mrkdwn',
      text: escapeAndTruncate(line, SLACK_LIMITS.sectionText),
    })),
  };
}

function actionsBlock(buttons: AlertButton[]): types.ActionsBlock {
  return {
    type: 'actions',
    elements: buttons.map((button) => {
      const element: types.Button = {
        type: 'button',
        action_id: `${ACTION_ID_PREFIX}${button.action}`,
        text: { type: 'plain_text', text: truncateText(button.label, SLACK_LIMITS.buttonText) },
        value: button.value,
      };
      if (button.style !== null) element.style = button.style;
      return element;
    }),
  };
}

export function mrkdwnSection(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function fallbackText(view: AlertView): string {
  const status = view.status === 'open' ? '' : ` (${STATUS_LABELS[view.status].toLowerCase()})`;
  const lines = [
    `${view.title}${status}`,
    ...view.fields.map((field) => `${field.label}: ${field.value}`),
    ...view.notes,
  ];
  return escapeAndTruncate(lines.join('\n'), SLACK_LIMITS.fallbackText);
}
