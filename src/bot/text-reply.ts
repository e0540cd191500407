import type { ReplyLine, ReplyView } from './views.js';

/** Returns a line of a reply as plain text, with its command as it is. */
export function lineText(line: ReplyLine): string {
  return typeof line === 'string' ? line : `${line.lead}${line.command}`;
}

/** Lays out a reply as plain text, for the command line and the log. */
export function replyToText(view: ReplyView): string {
  const lines = [view.summary];
  for (const section of view.sections) {
    lines.push('');
    if (section.title !== null) lines.push(`${section.title}:`);
    for (const line of section.lines) {
      const text = lineText(line);
      lines.push(section.title === null ? text : `  ${text}`);
    }
    if (section.code !== null) lines.push(`  ${section.code}`);
  }
  return `${lines.join('\n')}\n`;
}
