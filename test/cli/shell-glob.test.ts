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

describe('describeGlobExpansion with one star in a one-name folder', () => {
  // The shell passes `0 3 1 * 1` as `0 3 1 backup.sh 1` in a folder that contains only
  // backup.sh, and a dot file that `*` does not match.
  const entries = ['backup.sh', '.env'];
  const cause =
    'The shell replaced * with the names of the files in the current directory (backup.sh), ' +
    'so Drumbeat received file names in place of the cron text.';

  it('restores a star among the fields', () => {
    const argv = ['new', 'z3', '0', '3', '1', 'backup.sh', '1'];
    expect(describeGlobExpansion(argv, entries)).toBe(
      `${cause} Put the cron text in single quotes: npx drumbeat new z3 '0 3 1 * 1'`,
    );
  });

  it('restores a star in the first field', () => {
    const argv = ['new', 'z3', 'backup.sh', '3', '1', '1', '1'];
    expect(describeGlobExpansion(argv, entries)).toContain(
      "Put the cron text in single quotes: npx drumbeat new z3 '* 3 1 1 1'",
    );
  });

  it('restores a star after cron and before options', () => {
    const argv = ['new', 'z3', 'cron', '0', '3', '1', 'backup.sh', '1-5', 'grace', '10m'];
    expect(describeGlobExpansion(argv, entries)).toContain(
      "Put the cron text in single quotes: npx drumbeat new z3 cron '0 3 1 * 1-5' grace 10m",
    );
  });

  it('restores a star in explain text', () => {
    const argv = ['explain', '--tz', 'Europe/Berlin', '0', '3', '1', 'backup.sh', '1'];
    expect(describeGlobExpansion(argv, entries)).toContain(
      "Put the cron text in single quotes: npx drumbeat explain --tz Europe/Berlin '0 3 1 * 1'",
    );
  });

  it('accepts the name outside a schedule', () => {
    expect(describeGlobExpansion(['status', 'backup.sh'], entries)).toBeNull();
    expect(
      describeGlobExpansion(['silence', 'backup.sh', 'for', '2', 'hours'], entries),
    ).toBeNull();
    expect(describeGlobExpansion(['new', 'backup.sh', 'every', '1', 'hour'], entries)).toBeNull();
  });

  it('accepts the name after the cron text', () => {
    // A folder that contains only a file named 10m, and a valid command.
    expect(describeGlobExpansion(['new', 'z3', '0 3 * * *', 'grace', '10m'], ['10m'])).toBeNull();
    // `in ops` lacks the # of a channel, so the schedule error about it is the better message.
    expect(describeGlobExpansion(['new', 'z3', '0 3 * * *', 'in', 'ops'], ['ops'])).toBeNull();
  });

  it('accepts a name that is a valid field', () => {
    // A folder that contains only a file named 5: `0 3 1 5 1` is valid cron as typed.
    expect(describeGlobExpansion(['new', 'z3', '0', '3', '1', '5', '1'], ['5'])).toBeNull();
  });

  it('accepts a schedule that is no cron', () => {
    const argv = ['explain', 'every', 'day', 'at', '9am'];
    expect(describeGlobExpansion(argv, ['9am'])).toBeNull();
  });

  it('accepts a star that makes invalid cron', () => {
    // Six fields stay invalid with the star, so the schedule error is the better message.
    const argv = ['new', 'z3', '0', '0', '3', '1', 'backup.sh', '1'];
    expect(describeGlobExpansion(argv, entries)).toBeNull();
  });

  it('needs exactly one name in the folder', () => {
    const argv = ['new', 'z3', '0', '3', '1', 'backup.sh', '1'];
    expect(describeGlobExpansion(argv, ['backup.sh', 'notes.txt'])).toBeNull();
  });
});
