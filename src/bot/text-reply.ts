import type { ReplyView } from './views.js';

/** Lays out a reply as plain text, for the command line and the log. */
export function replyToText(view: ReplyView): string {
  const lines = [view.summary];
  for (const section of view.sections) {
    lines.push('');
    if (section.title !== null) lines.push(`${section.title}:`);
    for (const line of section.lines) lines.push(section.title === null ? line : `  ${line}`);
    if (section.code !== null) lines.push(`  ${section.code}`);
  }
  return `${lines.join('\n')}\n`;
}
