// Turns the examples of command errors into whole commands to copy and run, with the user's own
// monitor name and text. The language module writes its examples as the text after a command,
// such as `every day at 2am`, `tz UTC` or `for 2 hours`.

import { DrumbeatError } from '../../domain/errors.js';
import { isMonitorSpec, parseMonitorSpec, withOptionReplaced } from '../language/index.js';
import type { LanguageContext } from '../language/types.js';

// A text the user typed that is longer than this is not repeated in an example, which uses a
// short schedule instead.
const MAX_EXAMPLE_TEXT_CHARS = 160;

/**
 * Returns the examples of a rejected monitor text as whole texts to put after a monitor's name.
 * `rest` is the text that was rejected. An example of an option with its value, such as
 * `tz UTC`, takes the place of that option in `rest`. An example that starts with `new backup`
 * loses those two words, and any other example is taken as the whole text.
 */
export function specExamples(
  error: DrumbeatError,
  rest: string,
  context: LanguageContext,
): string[] {
  const texts = error.examples.flatMap((text): string[] => {
    // The general examples are whole commands for a monitor named "backup".
    if (text.startsWith('new ')) return [text.replace(/^new \S+ /, '')];
    const fixed = withOptionFixed(rest, text, context);
    if (fixed === undefined) return [text];
    return fixed === null ? [] : [fixed];
  });
  // No text of the user's parsed with the option fixed, so a short schedule shows the option.
  const [first] = error.examples;
  if (texts.length === 0 && first !== undefined) texts.push(`every day ${first}`);
  return texts;
}

/**
 * Returns the error of a `new` command with its examples made whole commands to copy. `rest` is
 * the text after the name. See `specExamples` for how the examples are built.
 */
export function withWholeCommand(
  error: unknown,
  name: string,
  rest: string,
  context: LanguageContext,
): unknown {
  if (!(error instanceof DrumbeatError) || error.examples.length === 0) return error;
  const { code, message } = error;
  // The name check's examples give a valid name and the text after it already.
  if (code === 'name_invalid') {
    const commands = error.examples.map((example) => `/drumbeat new ${example}`);
    return new DrumbeatError(code, message, commands);
  }
  const commands = specExamples(error, rest, context).map(
    (text) => `/drumbeat new ${name} ${text}`,
  );
  return new DrumbeatError(code, message, commands);
}

/**
 * Returns `rest` with its option replaced by `example`, such as `tz UTC`, choosing the first
 * replacement that parses. Returns null when none parses, and undefined when `example` is not
 * an option with its value.
 */
function withOptionFixed(
  rest: string,
  example: string,
  context: LanguageContext,
  depth = 0,
): string | null | undefined {
  const texts = withOptionReplaced(rest, example);
  if (texts === null) return undefined;
  // The replacements come shortest first, so the first that works keeps the most of the text.
  for (const text of texts) {
    if (text.length > MAX_EXAMPLE_TEXT_CHARS) continue;
    const rejection = rejectionOf(text, context);
    if (rejection === null) return text;
    if (depth >= MAX_FIXES - 1) continue;
    // Another part may be wrong too, as in `grace 10 minuts max runtime 2 horus`, and its own
    // example fixes it: an option in place, or the whole text when that keeps this fix.
    for (const next of rejection.examples) {
      const fixed = withOptionFixed(text, next, context, depth + 1);
      if (typeof fixed === 'string') return fixed;
      const keepsFix = fixed === undefined && next.includes(example);
      if (keepsFix && next.length <= MAX_EXAMPLE_TEXT_CHARS && isMonitorSpec(next, context)) {
        return next;
      }
    }
  }
  return null;
}

// The maximum number of mistakes that one example fixes in the user's text.
const MAX_FIXES = 3;

function rejectionOf(text: string, context: LanguageContext): DrumbeatError | null {
  try {
    parseMonitorSpec(text, context);
    return null;
  } catch (error) {
    return error instanceof DrumbeatError ? error : null;
  }
}

/** Tells whether every example of `error` is the end of a silence, such as `for 2 hours`. */
export function isSilenceEnd(error: DrumbeatError): boolean {
  return error.examples.every((end) => /^(for|until) /.test(end));
}

/**
 * Returns the error of a `silence` command with each example of the silence's end, such as
 * `for 2 hours` or `until monday`, made a whole command for the monitor `name`.
 */
export function withSilenceCommand(error: unknown, name: string): unknown {
  if (!(error instanceof DrumbeatError) || !isSilenceEnd(error)) return error;
  const commands = error.examples.map((end) => `/drumbeat silence ${name} ${end}`);
  return new DrumbeatError(error.code, error.message, commands);
}
