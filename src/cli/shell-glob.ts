// Detects a command whose `*` words the shell expanded to file names. Cron text typed without
// quotes, such as `0 3 * * *`, reaches the command line as `0 3 BENCHMARKS.md Procfile …`, and
// the grammar can only reject it with a message about those file names.

import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readCronText } from '../bot/language/cron-text.js';
import { isMonitorSpec } from '../bot/language/monitor-spec.js';
import { parseCronExpression } from '../domain/cron.js';

/**
 * The number of words naming files in the current directory from which a command counts as
 * expanded by the shell. A single such word is allowed, so a monitor may be named like a file,
 * unless `isSingleExpandedStar` finds it in the place of a cron field.
 */
const MIN_FILE_NAME_WORDS = 2;

/** The options of `drumbeat explain` that take a value, as its parseArgs call declares them. */
const EXPLAIN_VALUE_OPTIONS = {
  as: { type: 'string' },
  tz: { type: 'string' },
  from: { type: 'string' },
  count: { type: 'string' },
} as const;

/** Cron has five fields: minute, hour, day of month, month and day of week. */
const CRON_FIELD_COUNT = 5;

/**
 * A word that can be a cron field: numbers, `*`, ranges, lists and steps, `L`, `W` and `#`, or
 * three-letter day and month names such as `mon-fri`.
 */
const CRON_FIELD = /^(?:[\d*][\d*,/#LW-]*|[a-z]{3}(?:[-,][a-z]{3})*)$/i;

const GENERIC_CRON = "'0 3 * * *'";

/** Words that the shell passes on unchanged without quotes. */
const SHELL_SAFE_WORD = /^[\w@%+=:,./-]+$/;

/**
 * Lists the names in the current directory, or none when it cannot be read, in which case the
 * check is skipped and the command runs as typed.
 */
export function currentDirectoryEntries(): string[] {
  try {
    return readdirSync(process.cwd());
  } catch {
    return [];
  }
}

function singleQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function quoteForShell(word: string): string {
  return SHELL_SAFE_WORD.test(word) ? word : singleQuote(word);
}

/**
 * Counts how many `*` words the shell expanded into `run`, a run of consecutive file names. Each
 * `*` becomes every name in `globbed`, in the shell's sort order. Returns null when `run` is not
 * whole copies of `globbed`, as when a pattern such as `*.md` matched only some names.
 */
function countStars(run: string[], globbed: string[]): number | null {
  const width = globbed.length;
  if (width === 0 || run.length % width !== 0) return null;
  const expected = [...globbed].sort();
  for (let start = 0; start < run.length; start += width) {
    // Compared sorted, because the order of the shell's expansion depends on the locale.
    const copy = run.slice(start, start + width).sort();
    if (copy.some((name, index) => name !== expected[index])) return null;
  }
  return run.length / width;
}

/**
 * Returns `words` with each run of file names turned back into the `*` words it came from, or
 * null when a run is not whole expansions of `*`.
 */
function restoreStars(words: string[], entries: string[]): string[] | null {
  const names = new Set(entries);
  // Without the dotglob option, a `*` does not match names that start with a dot.
  const globbed = entries.filter((name) => !name.startsWith('.'));
  const restored: string[] = [];
  let index = 0;
  while (index < words.length) {
    if (!names.has(words[index]!)) {
      restored.push(words[index]!);
      index += 1;
      continue;
    }
    let end = index;
    while (end < words.length && names.has(words[end]!)) end += 1;
    const stars = countStars(words.slice(index, end), globbed);
    if (stars === null) return null;
    restored.push(...Array<string>(stars).fill('*'));
    index = end;
  }
  return restored;
}

/**
 * Quotes the cron fields of `words` as one shell word: the `*` words and the cron fields next to
 * them, up to five fields.
 */
function quoteCronText(words: string[]): string {
  let first = words.indexOf('*');
  let last = words.lastIndexOf('*');
  const isCronField = (index: number) => index >= 0 && CRON_FIELD.test(words[index] ?? '');
  while (last - first + 1 < CRON_FIELD_COUNT) {
    if (isCronField(first - 1)) first -= 1;
    else if (isCronField(last + 1)) last += 1;
    else break;
  }
  return [
    ...words.slice(0, first).map(quoteForShell),
    singleQuote(words.slice(first, last + 1).join(' ')),
    ...words.slice(last + 1).map(quoteForShell),
  ].join(' ');
}

/**
 * Returns the words of the schedule text in `argv`: those after the monitor name of `new`, or
 * the positional words of `explain`. Returns null for the other commands, which take no schedule.
 */
function scheduleWords(argv: string[]): string[] | null {
  if (argv[0] === 'new') return argv.slice(2);
  if (argv[0] !== 'explain') return null;
  const { tokens } = parseArgs({
    args: argv.slice(1),
    options: EXPLAIN_VALUE_OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  return tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
}

function isValidCron(expression: string): boolean {
  try {
    parseCronExpression(expression);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells whether a single `*` in a folder with one name explains the one word of `argv` that is
 * that name. The word must be among the fields of the cron expression that starts the schedule
 * text, the expression must be valid with `*` in its place, and the schedule text as typed must
 * be invalid. So a command that runs as typed is never stopped, even when it contains the name.
 * NOTE: a folder whose only name is a valid field there, such as a file named 5, still hides the
 * `*`, and the monitor gets that value in place of `*`.
 */
function isSingleExpandedStar(argv: string[], entries: string[]): boolean {
  const globbed = entries.filter((name) => !name.startsWith('.'));
  const words = scheduleWords(argv);
  if (globbed.length !== 1 || words === null) return false;

  const index = words.indexOf(globbed[0]!);
  if (index < 0 || words.lastIndexOf(globbed[0]!) !== index) return false;
  const restored = words.with(index, '*');
  const cron = readCronText(restored.join(' '));
  // The offset of the `*` in the joined text, where each word before it adds one space.
  const starOffset = restored.slice(0, index).join(' ').length + (index > 0 ? 1 : 0);
  if (cron === null || starOffset >= cron.end || !isValidCron(cron.expression)) return false;
  return !isMonitorSpec(words.join(' '), { timezone: 'UTC', now: Date.now() });
}

/** Returns a command with generic cron text, for when the typed one cannot be restored. */
function genericCommand(argv: string[]): string {
  if (argv[0] === 'new')
    return `npx drumbeat new ${quoteForShell(argv[1] ?? 'backup')} ${GENERIC_CRON}`;
  if (argv[0] === 'explain') return `npx drumbeat explain ${GENERIC_CRON}`;
  return `npx drumbeat new backup ${GENERIC_CRON}`;
}

/**
 * Returns the one-line message for a command whose `*` words the shell replaced with the names
 * in the current directory, or null when the command shows no sign of that. `argv` starts with
 * the command, such as `new` or `explain`, and `entries` are the names in the directory.
 */
export function describeGlobExpansion(argv: string[], entries: string[]): string | null {
  const names = new Set(entries);
  const fileNames = argv.slice(1).filter((word) => names.has(word));
  if (fileNames.length === 0) return null;
  if (fileNames.length < MIN_FILE_NAME_WORDS && !isSingleExpandedStar(argv, entries)) return null;

  // The command and the name of a new monitor are kept as typed, even when they name a file.
  const keptWords = argv.slice(0, argv[0] === 'new' ? 2 : 1);
  const restored = restoreStars(argv.slice(keptWords.length), entries);
  const distinct = [...new Set(fileNames)];
  const shownNames = distinct.slice(0, 3).join(', ') + (distinct.length > 3 ? ', …' : '');
  const cause =
    `The shell replaced * with the names of the files in the current directory (${shownNames}), ` +
    'so Drumbeat received file names in place of the cron text.';
  if (restored === null) {
    return `${cause} Put the cron text in single quotes, for example: ${genericCommand(argv)}`;
  }
  const command = ['npx drumbeat', ...keptWords.map(quoteForShell), quoteCronText(restored)];
  return `${cause} Put the cron text in single quotes: ${command.join(' ')}`;
}
