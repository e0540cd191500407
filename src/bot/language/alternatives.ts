// Other readings of a phrase that a warning names, such as IST read as Irish time. A clause
// describes the reading as a change of the user's words, and the parser that has the whole text
// turns the change into a whole text to suggest, which it keeps only when that text parses.

import type { Alternative } from './types.js';

/** A change of the user's words that gives another reading. */
export interface WordChange {
  /** The reading in a few words, such as "Irish time". */
  meaning: string;
  /** The words to replace, as the user typed them, or null to add `replacement` at the end. */
  words: string | null;
  replacement: string;
}

// A run of words starts and ends at a space, a quote mark or the ends of the text. A mark of
// punctuation may follow it, as in `at 9, on weekdays`.
const BEFORE = /[\s"'`]$/;
const AFTER = /^[\s"'`,.;!?]/;

/**
 * Returns `source` with the one run of `words` in it replaced by `replacement`, or null when
 * `words` is not there as whole words exactly once.
 */
export function replaceWords(source: string, words: string, replacement: string): string | null {
  const lower = source.toLowerCase();
  const wanted = words.toLowerCase();
  if (wanted === '') return null;
  const starts: number[] = [];
  for (let at = lower.indexOf(wanted); at >= 0; at = lower.indexOf(wanted, at + 1)) {
    const before = source.slice(0, at);
    const after = source.slice(at + words.length);
    if ((before === '' || BEFORE.test(before)) && (after === '' || AFTER.test(after))) {
      starts.push(at);
    }
  }
  if (starts.length !== 1) return null;
  const start = starts[0]!;
  return `${source.slice(0, start)}${replacement}${source.slice(start + words.length)}`;
}

/** Returns the alternative that `change` makes of `source`, or null when the words are not there. */
export function applyChange(source: string, change: WordChange): Alternative | null {
  const text =
    change.words === null
      ? `${source} ${change.replacement}`
      : replaceWords(source, change.words, change.replacement);
  return text === null ? null : { meaning: change.meaning, text };
}

/** Returns the alternatives that parse, dropping repeats of a text. */
export function keepParsing(
  alternatives: readonly Alternative[],
  parses: (text: string) => boolean,
): Alternative[] {
  const seen = new Set<string>();
  return alternatives.filter((alternative) => {
    if (seen.has(alternative.text)) return false;
    seen.add(alternative.text);
    return parses(alternative.text);
  });
}
