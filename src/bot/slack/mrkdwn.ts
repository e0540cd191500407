// Helpers for Slack's `mrkdwn` text format and its length limits. Views carry plain text, so
// every string goes through `escapeMrkdwn` before it lands in a mrkdwn text object.

/** Limits of Block Kit, in UTF-16 code units (JavaScript string length). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  buttonText: 75,
  blocksPerMessage: 50,
  /** Slack accepts up to 40,000 characters of top-level text, but notifications show far less. */
  fallbackText: 3000,
} as const;

// User and channel references (`<@U123>`, `<#C123>`) are the one markup views may carry.
const ESCAPED_REFERENCE = /&lt;([@#][A-Z0-9]+)&gt;/g;

/**
 * Escapes `&`, `<` and `>`, the three characters Slack reserves for links, mentions and
 * entities, except in user and channel references, which stay mentions. Other mrkdwn markers
 * (`*`, `_`, `~`) are left alone.
 */
export function escapeMrkdwn(text: string): string {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return escaped.replace(ESCAPED_REFERENCE, '<$1>');
}

/**
 * Renders a command as mrkdwn inline code, with `&`, `<` and `>` escaped. mrkdwn has no escape
 * for a backtick inside code, so a command that contains one is shown as escaped plain text.
 * NOTE: Slack may still show a pair of backticks in that text as code and drop them on copy.
 */
export function inlineCode(text: string): string {
  const escaped = text.replace(/[&<>]/g, (char) => ENTITIES[char]!);
  return text.includes('`') ? escapeMrkdwn(text) : `\`${escaped}\``;
}

/** Cuts plain text to `maxLength`, ending with an ellipsis when something was cut. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${cutAtCodePoint(text, maxLength - 1)}…`;
}

/** Escapes plain text for mrkdwn and cuts the result to `maxLength` without splitting an entity. */
export function escapeAndTruncate(text: string, maxLength: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= maxLength) return escaped;
  return `${fitEscaped(text, maxLength - 1).escaped.replace(ESCAPED_REFERENCE, '<$1>')}…`;
}

/**
 * Renders text as a mrkdwn code block of at most `maxLength` characters. Longer text is cut,
 * and a line under the block gives the number of characters left out.
 */
export function codeBlock(text: string, maxLength: number): string {
  const fence = '```';
  const wrap = (body: string) => `${fence}\n${body}\n${fence}`;
  const whole = wrap(escapeCode(text));
  if (whole.length <= maxLength) return whole;

  // The note's digits depend on how much is cut, so reserve room for the longest count.
  const note = (cutChars: number) => `\n_${cutChars} more characters not shown_`;
  const budget = maxLength - wrap('').length - note(text.length).length;
  const { raw, escaped } = fitEscaped(text, Math.max(0, budget), true);
  return `${wrap(escaped)}${note(text.length - raw.length)}`;
}

/** Escapes text for a code block: entities, and backtick runs, which could end the block. */
function escapeCode(text: string): string {
  return fitEscaped(text, Number.POSITIVE_INFINITY, true).escaped;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Returns the longest prefix of `text` whose escaped form fits `maxLength`, cut between code
 * points so that no surrogate pair or entity is split. In code mode a zero-width space goes
 * between two backticks, so the text can never contain the fence that ends a code block.
 */
function fitEscaped(
  text: string,
  maxLength: number,
  codeMode = false,
): { raw: string; escaped: string } {
  const rawParts: string[] = [];
  const escapedParts: string[] = [];
  let escapedLength = 0;
  let previous = '';
  for (const char of text) {
    let piece = ENTITIES[char] ?? char;
    if (codeMode && char === '`' && previous === '`') piece = `\u200b${piece}`;
    if (escapedLength + piece.length > maxLength) break;
    rawParts.push(char);
    escapedParts.push(piece);
    escapedLength += piece.length;
    previous = char;
  }
  return { raw: rawParts.join(''), escaped: escapedParts.join('') };
}

function cutAtCodePoint(text: string, maxLength: number): string {
  let result = '';
  for (const char of text) {
    if (result.length + char.length > maxLength) break;
    result += char;
  }
  return result;
}
