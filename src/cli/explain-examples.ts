// Turns the examples of explain's errors into whole explain commands to copy: the user's
// arguments with the text or the option that failed replaced by one that works.

import { isSilenceEnd, specExamples } from '../bot/commands/examples.js';
import type { LanguageContext } from '../bot/language/index.js';
import { DrumbeatError } from '../domain/errors.js';

/** The arguments of explain as the user typed them, which suggested commands repeat. */
export interface ExplainArguments {
  as: string | undefined;
  tz: string | undefined;
  from: string | undefined;
  count: string | undefined;
  text: string;
}

/** Returns `word` as one shell word: as it is when the shell leaves it alone, else quoted. */
export function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Returns the explain command of `args`, with --as before TEXT and the other options after it. */
export function explainCommand(args: ExplainArguments): string {
  const words = ['npx', 'drumbeat', 'explain'];
  if (args.as !== undefined) words.push('--as', shellWord(args.as));
  words.push(shellWord(args.text));
  if (args.tz !== undefined) words.push('--tz', shellWord(args.tz));
  if (args.from !== undefined) words.push('--from', shellWord(args.from));
  if (args.count !== undefined) words.push('--count', shellWord(args.count));
  return words.join(' ');
}

/**
 * Returns the error that reading TEXT gave, with its examples made explain commands. A schedule
 * example takes the place of the user's text as the `new` command's examples do, and an
 * example of a silence's end becomes the text of an `--as until` command.
 */
export function withExplainCommands(
  error: unknown,
  args: ExplainArguments,
  context: LanguageContext,
): unknown {
  if (!(error instanceof DrumbeatError) || error.examples.length === 0) return error;
  if (args.as === 'until') {
    if (!isSilenceEnd(error)) return error;
    const commands = error.examples.map((text) => explainCommand({ ...args, text }));
    return new DrumbeatError(error.code, error.message, commands);
  }
  const texts = specExamples(error, args.text, context);
  const commands = texts.map((text) => explainCommand({ ...args, text }));
  return new DrumbeatError(error.code, error.message, commands);
}
