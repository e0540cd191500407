// Text for Discord messages: markdown escaping, code blocks and the length limits Discord
// enforces on messages, embeds and components.

import { escapeMarkdown } from 'discord.js';

/** Limits of the Discord API (v10), in characters unless named otherwise. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fieldsPerEmbed: 25,
  embedsPerMessage: 10,
  /** Sum of every title, description, field name and value of all embeds of one message. */
  embedsTotal: 6000,
  buttonLabel: 80,
  customId: 100,
  autocompleteChoices: 25,
  choiceName: 100,
} as const;

const ELLIPSIS = '…';

/** Cuts `text` to at most `maxLength` characters, ending with an ellipsis when cut. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(0, maxLength - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * Escapes Discord markdown in plain text, so that a name like `eu_nightly_sync` is not shown
 * in italics. Mentions (`<@id>`, `<#id>`) and bare URLs are left as they are.
 */
export function escapeText(text: string): string {
  return escapeMarkdown(text);
}

export function escapeAndTruncate(text: string, maxLength: number): string {
  return truncate(escapeText(text), maxLength);
}

/**
 * Wraps `text` in a code block of at most `maxLength` characters. Markdown has no escape
 * inside code blocks, so a triple backtick in the text is broken up with a zero-width space.
 */
export function codeBlock(text: string, maxLength: number): string {
  const safe = text.replace(/```/g, '`\u200b``');
  const fence = '```';
  const room = maxLength - 2 * fence.length - 2;
  return `${fence}\n${truncate(safe, Math.max(0, room))}\n${fence}`;
}
