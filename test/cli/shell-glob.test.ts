import { describe, expect, it } from 'vitest';
import { describeGlobExpansion } from '../../src/cli/shell-glob.js';

// The names in a project folder. A shell's `*` matches all of them but `.env` by default.
const ENTRIES = ['BENCHMARKS.md', 'Procfile', 'README.md', 'bench', 'bin', '.env'];
const STAR = ['BENCHMARKS.md', 'Procfile', 'README.md', 'bench', 'bin'];
const CAUSE =
  'The shell replaced * with the names of the files in the current directory ' +
  '(BENCHMARKS.md, Procfile, README.md, …), so Drumbeat received file names in place of the ' +
  'cron text.';

describe('describeGlobExpansion', () => {
  it('restores cron text with three stars', () => {
    const argv = ['new', 'z3', '0', '3', ...STAR, ...STAR, ...STAR];
    expect(describeGlobExpansion(argv, ENTRIES)).toBe(
      `${CAUSE} Put the cron text in single quotes: npx drumbeat new z3 '0 3 * * *'`,
    );
  });

  it('keeps options after the cron text', () => {
    const argv = ['new', 'z3', '0', '3', ...STAR, ...STAR, '1-5', 'grace', '10m', 'in', '#ops'];
    expect(describeGlobExpansion(argv, ENTRIES)).toBe(
      `${CAUSE} Put the cron text in single quotes: ` +
        "npx drumbeat new z3 '0 3 * * 1-5' grace 10m in '#ops'",
    );
  });

  it('restores stars in any sort order', () => {
    const reversed = [...STAR].reverse();
    const argv = ['new', 'z3', ...reversed, '9', ...STAR, ...reversed, ...STAR];
    expect(describeGlobExpansion(argv, ENTRIES)).toContain(
      "Put the cron text in single quotes: npx drumbeat new z3 '* 9 * * *'",
    );
  });

  it('restores stars in a folder with one name', () => {
    const argv = ['new', 'z3', '0', '3', 'only', 'only', 'only'];
    const message = describeGlobExpansion(argv, ['only']);
    expect(message).toContain('(only)');
    expect(message).toContain(
      "Put the cron text in single quotes: npx drumbeat new z3 '0 3 * * *'",
    );
  });

  it('keeps a monitor named like a file', () => {
    const argv = ['new', 'bin', '0', '3', ...STAR, ...STAR, ...STAR];
    expect(describeGlobExpansion(argv, ENTRIES)).toContain(
      "Put the cron text in single quotes: npx drumbeat new bin '0 3 * * *'",
    );
  });

  it('falls back to generic cron for a partial match', () => {
    // `*.md` matches two of the names, so the words cannot be turned back into the pattern.
    const argv = ['new', 'z3', '0', '3', 'BENCHMARKS.md', 'README.md'];
    const message = describeGlobExpansion(argv, ENTRIES);
    expect(message).toContain('(BENCHMARKS.md, README.md)');
    expect(message).toContain(
      "Put the cron text in single quotes, for example: npx drumbeat new z3 '0 3 * * *'",
    );
  });

  it('accepts one word that names a file', () => {
    expect(describeGlobExpansion(['new', 'bin', 'every', '1', 'hour'], ENTRIES)).toBeNull();
    expect(describeGlobExpansion(['status', 'README.md'], ENTRIES)).toBeNull();
  });

  it('accepts commands in an empty folder', () => {
    expect(describeGlobExpansion(['new', 'z3', '0', '3', '*', '*', '*'], [])).toBeNull();
  });

  it('ignores the command word', () => {
    expect(describeGlobExpansion(['new', 'bin', 'every', 'hour'], ['new', 'bin'])).toBeNull();
  });
});
