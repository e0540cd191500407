// Turns the examples of command errors into whole commands to copy and run, with the user's own
// monitor name and text. The language module writes its examples as the text after a command,
// such as `every day at 2am`, `tz UTC` or `for 2 hours`, and joins several with ", or ".

import { DrumbeatError } from '../../domain/errors.js';
import { isMonitorSpec, withOptionReplaced } from '../language/index.js';
import type { LanguageContext } from '../language/types.js';

const EXAMPLE_SEPARATOR = ', or ';

// A text the user typed that is longer than this is not repeated in an example, which uses a
// short schedule instead.
const MAX_EXAMPLE_TEXT_CHARS = 160;

/**
 * Returns the error of a `new` command with its examples made whole commands to copy. `rest` is
 * the text after the name. An example of an option with its value, such as `tz UTC`, takes the
 * place of that option in `rest`. An example that starts with `new backup` gets the user's name,
 * and any other example is taken as the text after the name.
 */
export function withWholeCommand(
  error: unknown,
  name: string,
  rest: string,
  context: LanguageContext,
): unknown {
  if (!(error instanceof DrumbeatError) || error.example === null) return error;
  const { code, example } = error;
  if (code === 'name_invalid') {
    return new DrumbeatError(code, error.message, `/drumbeat new ${example}`);
  }
  const examples = example.split(EXAMPLE_SEPARATOR);
  const commands = examples.flatMap((text): string[] => {
    // The general examples name a monitor "backup", which may exist: the user's name is used.
    if (text.startsWith('new '))
      return [`/drumbeat ${text.replace(/^new backup /, `new ${name} `)}`];
    const fixed = withOptionFixed(rest, text, context);
    if (fixed === undefined) return [`/drumbeat new ${name} ${text}`];
    return fixed === null ? [] : [`/drumbeat new ${name} ${fixed}`];
  });
  // No text of the user's parsed with the option fixed, so a short schedule shows the option.
  if (commands.length === 0) commands.push(`/drumbeat new ${name} every day ${examples[0]}`);
  return new DrumbeatError(code, error.message, commands.join(EXAMPLE_SEPARATOR));
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
): string | null | undefined {
  const texts = withOptionReplaced(rest, example);
  if (texts === null) return undefined;
  const fits = (text: string) => text.length <= MAX_EXAMPLE_TEXT_CHARS;
  return texts.find((text) => fits(text) && isMonitorSpec(text, context)) ?? null;
}

/**
 * Returns the error of a `silence` command with each example of the silence's end, such as
 * `for 2 hours` or `until monday`, made a whole command for the monitor `name`.
 */
export function withSilenceCommand(error: unknown, name: string): unknown {
  if (!(error instanceof DrumbeatError) || error.example === null) return error;
  const ends = error.example.split(EXAMPLE_SEPARATOR);
  if (!ends.every((end) => /^(for|until) /.test(end))) return error;
  const commands = ends.map((end) => `/drumbeat silence ${name} ${end}`);
  return new DrumbeatError(error.code, error.message, commands.join(EXAMPLE_SEPARATOR));
}
