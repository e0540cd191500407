// Lays out a command reply as Block Kit: one bold title, text and code block per section.

import type { types } from '@slack/bolt';
import { lineText } from '../text-reply.js';
import type { ReplyLine, ReplySection, ReplyView } from '../views.js';
import { mrkdwnSection, type SlackMessage } from './alert-blocks.js';
import { codeBlock, escapeAndTruncate, escapeMrkdwn, inlineCode, SLACK_LIMITS } from './mrkdwn.js';

const ERROR_EMOJI = ':warning:';

/**
 * Renders a reply. An empty reply shows its summary. An error reply starts with an emoji and its
 * summary, since Slack shows the blocks and not the fallback text that also holds the summary.
 */
export function renderReplyMessage(reply: ReplyView): SlackMessage {
  let sections: ReplySection[] =
    reply.sections.length > 0
      ? reply.sections
      : [{ title: null, lines: [reply.summary], code: null }];
  if (reply.isError && !startsWithSummary(reply)) sections = withSummaryFirst(reply);
  const texts = sections.flatMap(sectionTexts);
  if (reply.isError && texts.length > 0) texts[0] = `${ERROR_EMOJI} ${texts[0]}`;

  const blocks: types.KnownBlock[] = texts.map((text) => mrkdwnSection(text));
  const limit = SLACK_LIMITS.blocksPerMessage;
  if (blocks.length > limit) {
    const hidden = blocks.length - (limit - 1);
    blocks.splice(limit - 1, blocks.length, {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `_${hidden} more parts of this reply not shown_` }],
    });
  }

  const summary = escapeAndTruncate(reply.summary, SLACK_LIMITS.fallbackText);
  return { text: reply.isError ? `${ERROR_EMOJI} ${summary}` : summary, blocks };
}

/** Tells whether the first line of the reply's sections repeats its summary. */
function startsWithSummary(reply: ReplyView): boolean {
  const first = reply.sections[0];
  if (first === undefined || first.title !== null) return false;
  const withoutPeriod = (text: string) => text.trim().replace(/\.$/, '');
  const line = first.lines[0];
  return line !== undefined && withoutPeriod(lineText(line)) === withoutPeriod(reply.summary);
}

/** Puts the summary above the reply's first lines, in the same block when that has no title. */
function withSummaryFirst(reply: ReplyView): ReplySection[] {
  const [first, ...rest] = reply.sections;
  if (first !== undefined && first.title === null) {
    return [{ ...first, lines: [reply.summary, ...first.lines] }, ...rest];
  }
  return [{ title: null, lines: [reply.summary], code: null }, ...reply.sections];
}

/** Renders a line as mrkdwn, with its command as inline code when the whole line fits a block. */
function lineMrkdwn(line: ReplyLine): string {
  if (typeof line === 'string') return escapeAndTruncate(line, SLACK_LIMITS.sectionText);
  const text = `${escapeMrkdwn(line.lead)}${inlineCode(line.command)}`;
  return text.length <= SLACK_LIMITS.sectionText
    ? text
    : escapeAndTruncate(lineText(line), SLACK_LIMITS.sectionText);
}

/** Splits a section into mrkdwn texts that each fit one section block. */
function sectionTexts(section: ReplySection): string[] {
  const lines = section.lines.map(lineMrkdwn);
  if (section.title !== null) lines.unshift(`*${escapeMrkdwn(section.title)}*`);

  const texts = packLines(lines, SLACK_LIMITS.sectionText);
  if (section.code !== null) texts.push(codeBlock(section.code, SLACK_LIMITS.sectionText));
  return texts;
}

/** Joins lines with newlines into as few texts as fit `maxLength` each. */
function packLines(lines: string[], maxLength: number): string[] {
  const texts: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current === '') {
      current = line;
    } else if (current.length + 1 + line.length <= maxLength) {
      current += `\n${line}`;
    } else {
      texts.push(current);
      current = line;
    }
  }
  if (current !== '') texts.push(current);
  return texts;
}
