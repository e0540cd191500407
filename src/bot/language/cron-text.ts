import { CRON_MACROS } from '../../domain/cron.js';
import { isZoneAbbreviation } from './timezone.js';
import type { Cursor } from './tokens.js';

// Finds a cron expression in a phrase: `cron "0 3 * * 1-5"`, `cron 0 3 * * 1-5`, `@daily`, or
// a bare five-field expression. The fields themselves are checked by the domain's cron parser,
// which also rejects four or six fields with a reason.

const KEYWORDS = new Set(['tz', 'timezone', 'in', 'at', 'time', 'and']);
// A field is digits, `*`, `?`, lists, ranges, steps, three-letter names, and L, W and #.
const FIELD = /^(?:[\d*?#/,-]|[a-z]{3}|[lw])+$/i;
const NUMERIC_FIELD = /^[\d*][\d*,/-]*$/;

function isField(word: string): boolean {
  return (
    FIELD.test(word) && !/[a-z]{4,}/i.test(word) && !KEYWORDS.has(word) && !isZoneAbbreviation(word)
  );
}

/** Reads up to seven field-like tokens; the domain parser reports a wrong count. */
function readFields(cursor: Cursor): string {
  const start = cursor.index;
  while (cursor.index - start < 7 && isField(cursor.peek() ?? '')) cursor.next();
  return cursor.quote(start);
}

function unquote(text: string): string | null {
  const match = /^(["'`])(.*)\1$/s.exec(text);
  return match ? match[2]! : null;
}

/**
 * Reads a cron expression at the cursor and returns it as typed, with macros expanded. Returns
 * null, without moving, when the phrase does not start with one.
 */
export function readCronText(cursor: Cursor): string | null {
  const word = cursor.peek();
  if (word === undefined) return null;
  if (word === 'cron' || word === 'cron:') {
    cursor.next();
    const quoted = unquote(cursor.quote(cursor.index, cursor.index + 1));
    if (quoted !== null) {
      cursor.next();
      return expandMacro(quoted);
    }
    if ((cursor.peek() ?? '').startsWith('@')) return expandMacro(cursor.next()!);
    return readFields(cursor);
  }
  if (/^@[a-z]+$/.test(word)) {
    cursor.next();
    return expandMacro(word);
  }
  const quoted = unquote(cursor.quote(cursor.index, cursor.index + 1));
  if (quoted?.trim().split(/\s+/).every(isField)) {
    cursor.next();
    return expandMacro(quoted);
  }
  if (NUMERIC_FIELD.test(word) && NUMERIC_FIELD.test(cursor.peek(1) ?? ''))
    return readFields(cursor);
  return null;
}

function expandMacro(text: string): string {
  const trimmed = text.trim();
  return CRON_MACROS[trimmed.toLowerCase()] ?? trimmed;
}
