// Lays out a digest as Block Kit. The picture is the uploaded file the blocks come with.

import type { types } from '@slack/bolt';
import type { DigestView } from '../../digest/view.js';
import { mrkdwnSection } from './alert-blocks.js';
import { escapeAndTruncate, escapeMrkdwn, SLACK_LIMITS, truncateText } from './mrkdwn.js';

function context(text: string): types.KnownBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeAndTruncate(text, SLACK_LIMITS.sectionText) }],
  };
}

function section(lines: string[]): types.KnownBlock {
  return mrkdwnSection(truncateText(lines.join('\n'), SLACK_LIMITS.sectionText));
}

/** Renders a digest's blocks: the title, the headline, the monitors, what changed, the footer. */
export function renderDigestBlocks(view: DigestView): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateText(view.title, SLACK_LIMITS.headerText) },
    },
    section([
      `*${escapeMrkdwn(view.headline)}*`,
      ...(view.comparison === null ? [] : [escapeMrkdwn(view.comparison)]),
    ]),
  ];
  if (view.allGood !== null) blocks.push(section([escapeMrkdwn(view.allGood)]));
  for (const monitor of view.monitors) {
    const summary = `*${escapeMrkdwn(monitor.name)}*: ${escapeMrkdwn(monitor.summary)}`;
    blocks.push(section([summary, ...monitor.details.map(escapeMrkdwn)]));
  }
  if (view.others !== null) blocks.push(context(view.others));
  if (view.changes.length > 0) {
    blocks.push(
      section(['*What changed*', ...view.changes.map((line) => `• ${escapeMrkdwn(line)}`)]),
    );
  }
  blocks.push(context(view.footer));
  return blocks.slice(0, SLACK_LIMITS.blocksPerMessage);
}
