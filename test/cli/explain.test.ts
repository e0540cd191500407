import { describe, expect, it } from 'vitest';
import { runExplain } from '../../src/cli/explain.js';

const NOW = Date.parse('2025-06-11T15:00:00Z');

/** Runs explain with `argv` as if in a directory that contains `entries`. */
async function explainIn(entries: string[], argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runExplain(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    now: () => NOW,
    directoryEntries: () => entries,
  });
  return { status, stdout, stderr };
}

async function explain(...argv: string[]) {
  return explainIn([], argv);
}

/** Splits a command line as a POSIX shell does for words, single quotes and backslashes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === ' ') {
      if (word !== null) words.push(word);
      word = null;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      expect(end).toBeGreaterThan(i);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '\\') {
      word = (word ?? '') + line[i + 1];
      i++;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Returns the commands that explain's stderr suggests, one from each line that gives one. */
function suggestedCommands(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^(For example: | {2})/, ''))
    .filter((line) => line.startsWith('npx drumbeat explain '));
}

describe('explain --json for schedules', () => {
  it('prints a cron schedule with its next runs across a DST gap', async () => {
    const result = await explain(
      '--json',
      '--tz',
      'Europe/Riga',
      '--from',
      '2021-03-27T00:00+02:00',
      'cron "15 3 * * *"',
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output).toEqual({
      kind: 'cron',
      expression: '15 3 * * *',
      timezone: 'Europe/Riga',
      description: 'at 03:15 every day (Europe/Riga)',
      next: ['2021-03-27T01:15:00.000Z', '2021-03-28T01:00:00.000Z', '2021-03-29T00:15:00.000Z'],
      warnings: [
        'On Sun 28 Mar 2021, 03:15 does not exist in Europe/Riga (clocks go forward); that run is expected at 04:00, the first minute after the change, as cron runs it.',
        'On Sun 31 Oct 2021, 03:15 happens twice in Europe/Riga (clocks go back); the run is expected once, at the first 03:15.',
      ],
      alternatives: [],
    });
  });

  it('prints an interval without the fields that do not apply', async () => {
    const result = await explain('--json', '--count', '2', 'every', '15', 'minutes');
    expect(JSON.parse(result.stdout)).toEqual({
      kind: 'interval',
      periodSeconds: 900,
      description: 'every 15 minutes',
      next: ['2025-06-11T15:15:00.000Z', '2025-06-11T15:30:00.000Z'],
      warnings: [],
      alternatives: [],
    });
  });

  it('explains surprising cron in the warnings', async () => {
    const result = await explain('--json', '--tz', 'America/Los_Angeles', '* 9 * * *');
    const output = JSON.parse(result.stdout);
    expect(output.next).toEqual([
      '2025-06-11T16:00:00.000Z',
      '2025-06-11T16:01:00.000Z',
      '2025-06-11T16:02:00.000Z',
    ]);
    expect(output.warnings).toEqual([
      '"* 9 * * *" runs every minute from 09:00 to 09:59, 60 times a day.',
    ]);
    expect(output.alternatives).toEqual([
      { meaning: 'one run at 09:00', text: 'cron "0 9 * * *"' },
    ]);
  });

  it('reads --from without an offset in the --tz zone', async () => {
    const result = await explain(
      '--json',
      '--tz',
      'America/New_York',
      '--from',
      '2026-10-31T12:00',
      '--count',
      '2',
      '30 1 * * *',
    );
    expect(JSON.parse(result.stdout).next).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('includes options when the text gives them', async () => {
    const result = await explain('--json', 'every day at 2am grace 30m in #ops');
    const output = JSON.parse(result.stdout);
    expect(output.graceSeconds).toBe(1800);
    expect(output.channel).toBe('ops');
  });
});

describe('explain --json for silences', () => {
  it('prints the end of the silence', async () => {
    const result = await explain(
      '--as',
      'until',
      '--json',
      '--tz',
      'America/New_York',
      '--from',
      '2025-03-08T15:00Z',
      'tomorrow at 9am',
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      until: '2025-03-09T13:00:00.000Z',
      description: 'Sun 9 Mar 2025 09:00 -04:00 (America/New_York)',
      warnings: [],
      alternatives: [],
    });
  });

  it('accepts for and until in the text', async () => {
    const result = await explain('--as', 'until', '--json', 'for 2 hours');
    expect(JSON.parse(result.stdout).until).toBe('2025-06-11T17:00:00.000Z');
  });
});

/** Runs each suggested `npx drumbeat explain` command and expects it to succeed. */
async function expectEachRuns(commands: readonly string[]): Promise<void> {
  for (const command of commands) {
    const [npx, drumbeat, verb, ...rest] = shellWords(command);
    expect([npx, drumbeat, verb]).toEqual(['npx', 'drumbeat', 'explain']);
    const tried = await explain(...rest);
    expect(tried.stderr).toBe('');
    expect(tried.status).toBe(0);
  }
}

describe('explain rejections', () => {
  it('prints the error object and exits with 2', async () => {
    const result = await explain('--json', '0 22-2 * * *');
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'schedule_invalid',
        message:
          'The hour field "22-2" is invalid: the range 22-2 runs backwards; cron ranges do not wrap around, write 22-23,0-2 instead.',
        examples: [`npx drumbeat explain 'cron "0 22-23,0-2 * * *"'`],
      },
    });
  });

  it('rejects a past silence with a reason', async () => {
    const result = await explain('--as', 'until', '--json', 'until 2025-06-10 10:00');
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('time_invalid');
  });

  it('writes the message and example to stderr without --json', async () => {
    const result = await explain('every day at 25:00');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'drumbeat explain: "25:00" is not a time of day: hours go up to 23.\n' +
        'For example:\n' +
        "  npx drumbeat explain 'every day at 2am'\n" +
        "  npx drumbeat explain 'daily at 14:30'\n",
    );
  });

  it.each([
    [['--as', 'maybe', 'daily'], '--as must be "schedule" or "until"'],
    [['--count', '0', 'daily'], '--count must be a whole number from 1 to 100'],
    [['--tz', 'Mars/Base', 'daily'], '"Mars/Base" is not an IANA time zone.'],
    [['--from', 'yesterday', 'daily'], '--from "yesterday" is not an ISO-8601 time.'],
    [['--bogus', 'daily'], '"--bogus" is not an option of explain: it takes --as, --tz,'],
    [['daily', '--tz'], '--tz needs a value.'],
    [[], 'TEXT is missing'],
  ])('rejects bad arguments %j', async (argv, message) => {
    const result = await explain(...argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    [[], 'npx drumbeat explain every weekday at 9:30am'],
    [['--as', 'maybe', 'daily'], "npx drumbeat explain --as until 'tomorrow 9am'"],
    [['--count', '0', 'daily'], 'npx drumbeat explain daily --count 10'],
    [['--count', '0'], 'npx drumbeat explain --count 10 every 15 minutes'],
    [
      ['--from', 'yesterday', '--tz', 'Asia/Tokyo', 'daily'],
      'npx drumbeat explain daily --tz Asia/Tokyo --from 2021-03-27T00:00+02:00',
    ],
    [
      ['--as', 'until', '--count', '2', 'for', '0s'],
      "npx drumbeat explain --as until 'for 2 hours' --count 2",
    ],
    [['daily', '--tz'], 'npx drumbeat explain every day at 2am --tz Europe/Berlin'],
  ])('gives a command to copy for %j', async (argv, example) => {
    const result = await explain(...argv);
    expect(result.stderr).toContain(`For example: ${example}\n`);
  });

  it.each([
    [['--tz', 'Berlinn', 'daily', 'at', '9am'], "'daily at 9am'"],
    [['--tz', 'Berlinn', "it's", 'daily'], "'it'\\''s daily'"],
  ])('gives one command to a line for %j', async (argv, quoted) => {
    const result = await explain(...argv);
    const zones = ['Europe/Berlin', 'America/New_York', 'UTC'];
    const lines = zones.map((zone) => `  npx drumbeat explain ${quoted} --tz ${zone}\n`);
    expect(result.stderr).toContain(`\nFor example:\n${lines.join('')}`);
  });
});

describe('explain examples', () => {
  it.each([
    [['every', 'day', 'at', '25:00']],
    [['--tz', 'Europe/Berlin', 'every hour grace 0s']],
    [['--tz', 'Berlinn', 'daily', 'at', '9am']],
    [['--tz', 'Asia/Tokyo', '--from', 'soon', 'daily']],
    [['--count', '0', 'every 5 minutes']],
    [['--as', 'until', '--tz', 'Europe/Berlin', 'for', 'blah']],
    [['--as', 'until', 'until', 'yesterday']],
    [['*/90 * * * *', '--tz', 'Europe/Berlin']],
    [['every blah grace 5m']],
    [['biweekly']],
    [['0 25 * * *', '--tz', 'Asia/Tokyo']],
    [['hourly', 'in', 'general']],
  ])('each runs as shown for %j', async (argv) => {
    const result = await explain(...argv);
    expect(result.status).toBe(2);
    const commands = suggestedCommands(result.stderr);
    expect(commands.length).toBeGreaterThan(0);
    await expectEachRuns(commands);
  });
});

describe('explain with cron lists', () => {
  it('reads a bare expression with comma lists', async () => {
    const result = await explain('--count', '2', '0 9 * * 1,3,5');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'Schedule:  at 09:00 on Monday, Wednesday and Friday (UTC)',
        'Cron:      0 9 * * 1,3,5 in UTC',
        'Next 2 runs in UTC:',
        '  Fri 13 Jun 2025 09:00 +00:00  2025-06-13T09:00:00.000Z',
        '  Mon 16 Jun 2025 09:00 +00:00  2025-06-16T09:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['0,30 * * * *'], '0,30 * * * *'],
    [['0 0 1,15 * *'], '0 0 1,15 * *'],
    [['0 9 * * mon,wed'], '0 9 * * mon,wed'],
    [['0 8 * 1,2,3 *'], '0 8 * 1,2,3 *'],
    [['cron', '0', '9', '*', '*', '1,3,5'], '0 9 * * 1,3,5'],
  ])('reads %j', async (argv, expression) => {
    const result = await explain('--json', ...argv);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).expression).toBe(expression);
  });

  it('reads options after the expression', async () => {
    const result = await explain('--json', '0 9 * * 1,3,5 grace 30m tz Europe/Berlin');
    const output = JSON.parse(result.stdout);
    expect(output.expression).toBe('0 9 * * 1,3,5');
    expect(output.timezone).toBe('Europe/Berlin');
    expect(output.graceSeconds).toBe(1800);
  });
});

describe('explain error wording', () => {
  it('rejects a two-part schedule and suggests two monitors', async () => {
    const result = await explain('every day at 2am and every monday at 3pm');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('reads as two schedules');
    expect(result.stderr).toContain('Create two monitors, one for each.');
    expect(result.stderr).toContain("For example: npx drumbeat explain 'every day at 2am'\n");
  });

  it('says a grace of 0s is too short', async () => {
    const result = await explain('every hour grace 0s');
    expect(result.stderr).toBe(
      'drumbeat explain: The grace period must be at least 1 second, and "0s" is shorter.\n' +
        "For example: npx drumbeat explain 'every hour grace 10 minutes'\n",
    );
  });

  it('accepts a grace of a year', async () => {
    const result = await explain('--json', 'every hour grace 1 year');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).graceSeconds).toBe(31_536_000);
  });

  it('says an unclosed quote is not closed', async () => {
    const result = await explain('cron "0 3 * * 1-5');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('The quote mark " before "0 3 * * 1-5" is not closed.');
  });

  it('gives a related example for a step too large', async () => {
    const result = await explain('*/90 * * * *');
    expect(result.stderr).toContain(
      "For example:\n  npx drumbeat explain 'every 90 minutes'\n  npx drumbeat explain 'cron \"*/30 * * * *\"'\n",
    );
  });

  it('cuts a very long text in the message', async () => {
    const result = await explain(`every ${'x'.repeat(5000)}`);
    expect(result.status).toBe(2);
    expect(result.stderr.length).toBeLessThan(300);
    expect(result.stderr).toContain('x…"');
  });

  it('cuts a very long --tz in the message', async () => {
    const result = await explain('--tz', 'Z'.repeat(5000), 'daily');
    expect(result.status).toBe(2);
    expect(result.stderr.length).toBeLessThan(300);
    expect(result.stderr).toContain('Z…" is not an IANA time zone.');
  });
});

describe('explain text output', () => {
  it('shows the reading, the zone and the next runs', async () => {
    const result = await explain('--tz', 'Europe/Berlin', 'every weekday at 9:30am');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        'Schedule:  at 09:30 on weekdays (Monday to Friday) (Europe/Berlin)',
        'Cron:      30 9 * * 1-5 in Europe/Berlin',
        'Next 3 runs in Europe/Berlin:',
        '  Thu 12 Jun 2025 09:30 +02:00  2025-06-12T07:30:00.000Z',
        '  Fri 13 Jun 2025 09:30 +02:00  2025-06-13T07:30:00.000Z',
        '  Mon 16 Jun 2025 09:30 +02:00  2025-06-16T07:30:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('gives a command for each other reading', async () => {
    const result = await explain('--tz', 'Europe/Berlin', 'every day at 9 IST grace 5m');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('Note: Read IST as India Standard Time (Asia/Kolkata).');
    expect(lines).toContain('Note: Read "9" as 09:00 on a 24-hour clock.');
    expect(lines.filter((line) => line.startsWith('For '))).toEqual([
      "For Irish time: npx drumbeat explain 'every day at 9 Europe/Dublin grace 5m' --tz Europe/Berlin",
      "For Israel time: npx drumbeat explain 'every day at 9 Asia/Jerusalem grace 5m' --tz Europe/Berlin",
      "For 21:00: npx drumbeat explain 'every day at 9pm IST grace 5m' --tz Europe/Berlin",
    ]);
  });

  it('gives a command for another end of a silence', async () => {
    const result = await explain('--as', 'until', 'until', 'monday');
    expect(result.stdout).toContain(
      "For 09:00: npx drumbeat explain --as until 'until monday 9am'\n",
    );
  });

  it.each([
    [['--tz', 'Europe/Berlin', 'every day at 9 IST grace 5m'], 'Europe/Dublin'],
    [['--as', 'until', '--tz', 'America/New_York', 'until tomorrow at midnight'], 'tonight'],
    [['* 9 * * 1-5'], '0 9'],
    [['*/45 * * * *'], 'every 45 minutes'],
    [['monthly'], '15th'],
  ])('runs each other reading of %j', async (argv, part) => {
    const result = await explain(...argv);
    expect(result.status).toBe(0);
    const commands = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('For '))
      .map((line) => line.slice(line.indexOf(': npx ') + 2));
    expect(commands.some((command) => command.includes(part))).toBe(true);
    await expectEachRuns(commands);
  });

  it('says an interval counts from the previous ping', async () => {
    const result = await explain('hourly');
    expect(result.stdout).toContain(
      'Interval:  3600 seconds; each run is expected that long after the previous ping',
    );
  });

  it('prints the usage for --help', async () => {
    const result = await explain('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npx drumbeat explain [--as schedule|until]');
  });
});

describe('explain with cron the shell expanded', () => {
  const entries = ['README.md', 'bin', 'src', '.env'];
  const star = ['README.md', 'bin', 'src'];

  it('shows the quoted command on stderr', async () => {
    const result = await explainIn(entries, [
      '--tz',
      'Europe/Berlin',
      '0',
      '3',
      ...star,
      ...star,
      '1-5',
    ]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'drumbeat explain: The shell replaced * with the names of the files in the current ' +
        'directory (README.md, bin, src), so Drumbeat received file names in place of the ' +
        "cron text. Put the cron text in single quotes: npx drumbeat explain --tz Europe/Berlin '0 3 * * 1-5'\n",
    );
  });

  it('prints the error object with --json', async () => {
    const result = await explainIn(entries, ['--json', '0', '3', ...star, ...star, ...star]);
    expect(result.status).toBe(2);
    const output = JSON.parse(result.stdout);
    expect(output.error.code).toBe('command_invalid');
    expect(output.error.message).toContain(
      "Put the cron text in single quotes: npx drumbeat explain --json '0 3 * * *'",
    );
  });

  it('reads a single word that names a file', async () => {
    const result = await explainIn(entries, ['every', '15', 'minutes', 'in', 'bin']);
    expect(result.stderr).not.toContain('The shell replaced');
  });
});
