import { CRON_MACROS, parseCronExpression } from '../../domain/cron.js';
import { DrumbeatError } from '../../domain/errors.js';
import { isZoneAbbreviation } from './timezone.js';
import { unclosedQuoteAt } from './tokens.js';

// Finds a cron expression at the start of a phrase: `cron "0 3 * * 1-5"`, `cron 0 3 * * 1-5`,
// `@daily`, or a bare five-field expression. It reads the raw text, because tokenize() turns
// commas into `and` and would split lists such as `1,3,5`. The fields themselves are checked by
// the domain's cron parser, which also rejects four or six fields with a reason.

export interface CronText {
  /** The expression as typed, with macros expanded. */
  expression: string;
  /** The position in the source just after the cron text; options or a zone may follow. */
  end: number;
}

const KEYWORDS = new Set(['tz', 'timezone', 'in', 'at', 'time', 'and']);
// A field is digits, `*`, `?`, lists, ranges, steps, three-letter names, and L, W and #.
const FIELD = /^(?:[\d*?#/,-]|[a-z]{3}|[lw])+[.;!?]*$/i;
const NUMERIC_FIELD = /^[\d*][\d*,/-]*$/;
// Four or six fields are read too, so that the domain parser can report what is wrong with them.
const MAX_FIELDS = 7;
const QUOTED = /^(?:"([^"]*)"|'([^']*)'|`([^`]*)`)/;
// `@every` starts an interval, not a macro (see tokenize).
const MACRO = /^@(?!every\b)[a-z]+(?=[.,;!?]*(?:\s|$))/i;

function isField(word: string): boolean {
  const lower = word.toLowerCase();
  return (
    FIELD.test(word) &&
    !/[a-z]{4,}/i.test(word) &&
    !KEYWORDS.has(lower) &&
    !isZoneAbbreviation(word)
  );
}

interface Word {
  text: string;
  start: number;
  end: number;
}

/** Lists the whitespace-separated words from `from` on, at most `limit` of them. */
function wordsAfter(source: string, from: number, limit: number): Word[] {
  const words: Word[] = [];
  const pattern = /\S+/g;
  pattern.lastIndex = from;
  for (let match = pattern.exec(source); match !== null && words.length < limit; ) {
    // Chat clients turn `-` into a dash of the same length, as tokenize() also reads them.
    const text = match[0].replace(/[–—]/g, '-');
    words.push({ text, start: match.index, end: match.index + text.length });
    match = pattern.exec(source);
  }
  return words;
}

/** Reads the run of field-like words at `from`; `bare` requires two numeric fields first. */
function readFields(source: string, from: number, bare: boolean): CronText | null {
  const words = wordsAfter(source, from, MAX_FIELDS);
  const count = words.findIndex((word) => !isField(word.text));
  const fields = count < 0 ? words : words.slice(0, count);
  const startsNumeric = fields.slice(0, 2).filter((word) => NUMERIC_FIELD.test(word.text));
  if (bare && startsNumeric.length < 2) return null;
  if (fields.length === 0) return { expression: '', end: from };
  // Punctuation after the last field ends the expression, as in `0 9 * * 1-5, in Berlin time`.
  // A `?` on its own is a field, as Quartz writes it (`0 0 3 * * ?`), and is left to the parser.
  const last = fields.at(-1)!;
  const punctuation = last.text === '?' ? 0 : (/[,.;!?]+$/.exec(last.text)?.[0].length ?? 0);
  const texts = fields.map((word) => word.text);
  texts[texts.length - 1] = last.text.slice(0, last.text.length - punctuation);
  return { expression: texts.join(' '), end: last.end - punctuation };
}

/**
 * Reads a cron expression at the start of `source`. Returns null when the phrase does not start
 * with one. After `cron` anything is read as cron, so that the domain parser can report what is
 * wrong with it. Without `cron`, quoted text must be all fields, and a bare expression must
 * start with two numeric fields.
 */
export function readCronText(source: string): CronText | null {
  const prefix = /^cron:?(?=\s|$)\s*/i.exec(source);
  const from = prefix === null ? 0 : prefix[0].length;
  const rest = source.slice(from);
  const quoted = QUOTED.exec(rest);
  if (quoted !== null) {
    const text = quoted[1] ?? quoted[2] ?? quoted[3] ?? '';
    if (prefix === null && !text.trim().split(/\s+/).every(isField)) return null;
    return { expression: expandMacro(text), end: from + quoted[0].length };
  }
  const macro = MACRO.exec(rest);
  if (macro !== null) return { expression: expandMacro(macro[0]), end: from + macro[0].length };
  return readFields(source, from, prefix === null);
}

function expandMacro(text: string): string {
  const trimmed = text.trim();
  return CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
}

/** Returns the fields after an unclosed quote, closed, when they are valid cron; else null. */
function closedCron(source: string, quoteAt: number): string | null {
  const mark = source[quoteAt]!;
  const fields = readFields(source, quoteAt + 1, false);
  if (fields === null || fields.expression === '') return null;
  try {
    parseCronExpression(fields.expression);
  } catch {
    return null;
  }
  return `cron ${mark}${fields.expression}${mark}`;
}

/** Throws `schedule_invalid` when a quote mark in `source` opens text that it never closes. */
export function assertQuotesClosed(source: string): void {
  const quoteAt = unclosedQuoteAt(source);
  if (quoteAt < 0) return;
  const mark = source[quoteAt]!;
  const closed = closedCron(source, quoteAt);
  const fix =
    closed === null ? 'Close it or remove it.' : `Put a closing ${mark} after the cron expression.`;
  throw new DrumbeatError(
    'schedule_invalid',
    `The quote mark ${mark} before "${source.slice(quoteAt + 1)}" is not closed. ${fix}`,
    closed ?? 'cron "0 3 * * 1-5"',
  );
}
