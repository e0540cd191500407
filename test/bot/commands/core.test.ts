import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../../src/bot/commands/context.js';
import { CommandCore } from '../../../src/bot/commands/core.js';
import { replyToText } from '../../../src/bot/text-reply.js';
import type { CommandLine, ReplyView } from '../../../src/bot/views.js';
import { Deadlines } from '../../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../../src/scheduler/notifications.js';
import { Keys } from '../../../src/store/keys.js';
import { MonitorStore } from '../../../src/store/monitors.js';
import { TeamStore } from '../../../src/store/teams.js';
import { pingFixture } from '../../support/monitors.js';
import {
  connectTestRedis,
  deletePrefix,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../../support/redis.js';

const logger = pino({ level: 'silent' });
const prefix = uniquePrefix('core');
const NOW = Date.parse('2026-06-10T12:00:00Z');
let redis: Redis;
let store: MonitorStore;
let teams: TeamStore;
let events: MonitorEvents;
let core: CommandCore;
let closers: (() => Promise<void>)[];

// Fixed fixtures: an owner and a teammate on one team, and an outsider on another.
const owner: CommandContext = {
  platform: 'slack',
  teamId: 'slack:TOWNER',
  userId: 'UOWNER',
  channelId: 'COPS',
  now: NOW,
  userTimezone: null,
};
const teammate: CommandContext = { ...owner, userId: 'UMATE' };
const outsider: CommandContext = { ...owner, teamId: 'slack:TOUTSIDER', userId: 'USTRANGER' };

beforeAll(() => {
  redis = connectTestRedis();
  const keys = new Keys(prefix);
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  store = new MonitorStore(redis, keys);
  teams = new TeamStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  events = new MonitorEvents(store, deadlines, notifications, logger, () => NOW);
  core = new CommandCore({ store, teams, events, logger, publicUrl: 'https://drumbeat.test' });
  closers = [() => deadlines.close(), () => notifications.close()];
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await deletePrefix(redis, prefix);
  await redis.quit();
});

async function text(command: string, ctx: CommandContext = owner): Promise<string> {
  return replyToText(await core.run(command, ctx));
}

/** Returns the "Try:" line of a reply, or null when it has none. */
function tryLine(reply: ReplyView): string | null {
  return (
    replyToText(reply)
      .split('\n')
      .find((line) => line.startsWith('Try: ')) ?? null
  );
}

/** Returns the commands that a reply suggests, in order. */
function suggestedCommands(reply: ReplyView): string[] {
  return reply.sections
    .flatMap((section) => section.lines)
    .filter((line): line is CommandLine => typeof line !== 'string')
    .map((line) => line.command);
}

/** Returns a suggested command as the handler reads it, without its leading `/drumbeat `. */
function handlerText(command: string): string {
  expect(command).toMatch(/^\/drumbeat /);
  return command.slice('/drumbeat '.length);
}

/** Returns the lines of a reply as text that follow its "Try one of these:" line. */
function listedLines(reply: ReplyView): string[] {
  const lines = replyToText(reply).split('\n');
  const heading = lines.indexOf('Try one of these:');
  return heading < 0 ? [] : lines.slice(heading + 1).filter((line) => line !== '');
}

describe('new', () => {
  it('replies with schedule, next runs, ping URL and curl line', async () => {
    const reply = await core.run('new nightly-invoices every 1 hour grace 10 minutes', owner);
    expect(reply.isError).toBe(false);
    const out = replyToText(reply);
    expect(out).toContain('Created monitor nightly-invoices.');
    expect(out).toContain('Grace period: 10m');
    expect(out).toMatch(
      /curl -fsS -m 10 --retry 5 --retry-connrefused https:\/\/drumbeat\.test\/ping\/[0-9a-f-]{36}/,
    );
    expect(out).toContain('Alerts go to <#COPS>.');
    expect(out).toContain('First run expected: 1h after the first ping');
    expect(out).not.toContain('Next scheduled runs');
    const id = await store.idForName(owner.teamId, 'nightly-invoices');
    const stored = await store.get(id!);
    expect(stored?.monitor.schedule).toEqual({ kind: 'interval', periodSeconds: 3600 });
    expect(stored?.monitor.graceMs).toBe(600_000);
    expect(stored?.monitor.createdBy).toBe('UOWNER');
  });

  it('rejects a taken name', async () => {
    await core.run('new taken every 1 hour', owner);
    const reply = await core.run('new taken every 2 hours', teammate);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('A monitor named "taken" exists already');
  });

  it('allows the same name in another team', async () => {
    const reply = await core.run('new taken every 1 hour', outsider);
    expect(reply.isError).toBe(false);
  });

  it('rejects an invalid name with the rule', async () => {
    const reply = await core.run('new Bad/Name every 1 hour', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('is not a valid monitor name');
    expect(tryLine(reply)).toBe('Try: /drumbeat new bad-name every 1 hour');
  });

  it('rejects a grace period over a year', async () => {
    const reply = await core.run('new long-grace every 1 hour grace 400 days', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('The grace period must be at most 366 days');
  });

  it('points out a name with a space', async () => {
    const reply = await core.run('new bad name every 1 hour grace 5m', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('A monitor name is one word, so the name here is "bad"');
    expect(replyToText(reply)).toContain('Try: /drumbeat new bad-name every 1 hour grace 5m');
    expect(await store.idForName(owner.teamId, 'bad')).toBeNull();
  });

  it('reads a six-field cron as cron, not a name', async () => {
    const reply = await core.run('new typo7 0 3 * * * *', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('"0 3 * * * *" has 6');
    expect(reply.summary).not.toContain('one word');
    expect(replyToText(reply)).toContain(
      'Try one of these:\n/drumbeat new typo7 cron "3 * * * *"\n/drumbeat new typo7 cron "0 3 * * *"',
    );
    expect(await store.idForName(owner.teamId, 'typo7-0')).toBeNull();
  });

  it('reads a Quartz cron without its seconds', async () => {
    const reply = await core.run('new quartz 0 0 3 * * ?', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('"0 0 3 * * ?" has 6');
    expect(replyToText(reply)).toContain('Try: /drumbeat new quartz cron "0 3 * * *"');
    expect(await store.idForName(owner.teamId, 'quartz')).toBeNull();
  });

  it('suggests max runtime for timeout', async () => {
    const reply = await core.run('new nightly-db every day at 2am timeout 2h', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('"timeout" is not an option.');
    expect(replyToText(reply)).toContain(
      'Try: /drumbeat new nightly-db every day at 2am max runtime 2h',
    );
  });

  it('reads a quoted name whole', async () => {
    const reply = await core.run('new "my backup" every hour', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      '"my backup" is not a valid monitor name: use up to 64 letters, digits, dots, dashes or underscores.',
    );
    expect(tryLine(reply)).toBe('Try: /drumbeat new my-backup every hour');
  });

  it('drops accents from a suggested name', async () => {
    const reply = await core.run('new bäckup every hour', owner);
    expect(reply.isError).toBe(true);
    expect(tryLine(reply)).toBe('Try: /drumbeat new backup every hour');
  });

  it.each([
    ['every day at 3am grace 10 minuts', 'every day at 3am grace 10 minutes'],
    ['hourly max runtime 45 minuts', 'hourly max runtime 45 minutes'],
    ['every day at 3am grace 10 foo', 'every day at 3am grace 10m'],
    [
      'every day at 3am grace 10 minuts max runtime 2 horus',
      'every day at 3am grace 10 minutes max runtime 2 hours',
    ],
    ['evry day at 3am tz Europe/Berln', 'every day at 3am tz Europe/Berlin'],
    [
      'every day at 3am tz Europe/Berln grace 10 minuts',
      'every day at 3am tz Europe/Berlin grace 10 minutes',
    ],
  ])('fixes every mistake of "%s" in place', async (text, fixed) => {
    const reply = await core.run(`new fix-me ${text}`, owner);
    expect(reply.isError).toBe(true);
    const command = `/drumbeat new fix-me ${fixed}`;
    const lines = replyToText(reply).split('\n');
    expect(
      lines.some((line) => line === command || line === `Try: ${command}`),
      lines.join('\n'),
    ).toBe(true);
    const created = await core.run(`new fix-me-${text.length} ${fixed}`, owner);
    expect(created.isError).toBe(false);
  });

  it('reports a missing name before a schedule', async () => {
    const reply = await core.run('new every day at 2am', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      'The monitor name is missing: "every day at 2am" is a schedule. Put a name before it.',
    );
    expect(replyToText(reply)).toContain('Try: /drumbeat new nightly-invoices every day at 2am');
    expect(await store.idForName(owner.teamId, 'every-day')).toBeNull();
  });

  it('reports a missing name before cron and its quotes', async () => {
    const reply = await core.run('new cron "0 3 * * *"', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      'The monitor name is missing: "cron "0 3 * * *"" is a schedule. Put a name before it.',
    );
    expect(tryLine(reply)).toBe('Try: /drumbeat new nightly-invoices cron "0 3 * * *"');
    expect(await store.idForName(owner.teamId, 'cron')).toBeNull();
  });

  it('reports a missing name before a quoted cron', async () => {
    const reply = await core.run('new "0 3 * * *" grace 5m', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      'The monitor name is missing: ""0 3 * * *" grace 5m" is a schedule. Put a name before it.',
    );
    expect(tryLine(reply)).toBe('Try: /drumbeat new nightly-invoices "0 3 * * *" grace 5m');
  });

  it('suggests the closest monitor name', async () => {
    await core.run('new nightly-db every day at 2am', owner);
    const status = await core.run('status nightly-bd', owner);
    expect(status.isError).toBe(true);
    expect(status.summary).toBe(
      'There is no monitor named "nightly-bd" here. Did you mean "nightly-db"?',
    );
    expect(tryLine(status)).toBe('Try: /drumbeat status nightly-db');
    const silence = await core.run('silence nigthly-db for 2 hours', owner);
    expect(tryLine(silence)).toBe('Try: /drumbeat silence nightly-db for 2 hours');
    const pause = await core.run('pause nightly-dc', owner);
    expect(tryLine(pause)).toBe('Try: /drumbeat pause nightly-db');
    // Two names as close as each other suggest neither.
    await core.run('new nightly-da every day at 3am', owner);
    const tie = await core.run('pause nightly-dc', owner);
    expect(tryLine(tie)).toBe('Try: /drumbeat list');
    // A name that is not close to any keeps the list as its example.
    const far = await core.run('delete weekly-report', owner);
    expect(far.summary).toBe('There is no monitor named "weekly-report" here.');
    expect(tryLine(far)).toBe('Try: /drumbeat list');
  });

  it('notes a grace longer than the runs', async () => {
    const hourly = replyToText(await core.run('new long-grace-1 every hour grace 2 hours', owner));
    expect(hourly).toContain(
      'The grace period, 2h, is longer than the 1h between runs, so a missed run is reported ' +
        'only after the next run was due. A grace under 1h reports it sooner.',
    );
    const cron = replyToText(await core.run('new long-grace-2 */15 * * * * grace 20m', owner));
    expect(cron).toContain('The grace period, 20m, is longer than the 15m between runs');
    const daily = replyToText(await core.run('new short-grace every day at 2am grace 30m', owner));
    expect(daily).toContain('Created monitor short-grace.');
    expect(daily).not.toContain('is longer than');
  });

  it('rejects a two-word status name', async () => {
    const reply = await core.run('status my backup', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe(
      'There is no monitor named "my" here. A monitor name is one word, so "backup" was not read as part of it.',
    );
    expect(replyToText(reply)).toContain('Try: /drumbeat status my-backup');
  });

  it('suggests only a valid joined name', async () => {
    const reply = await core.run('new bad na/me every 1 hour', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('A monitor name is one word, so the name here is "bad"');
    expect(reply.summary).toContain('Use up to 64 letters, digits, dots, dashes or underscores');
    expect(replyToText(reply)).toContain('Try: /drumbeat new nightly-invoices every 1 hour');
    expect(replyToText(reply)).not.toContain('bad-na/me');
  });

  it('keeps the schedule error for other text', async () => {
    const reply = await core.run('new backup-two every blue moon', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).not.toContain('one word');
  });

  it('rejects a missing schedule with an example', async () => {
    const reply = await core.run('new no-schedule', owner);
    expect(reply.isError).toBe(true);
    expect(replyToText(reply)).toContain(
      'Try: /drumbeat new no-schedule every 1 hour grace 10 minutes',
    );
  });

  it('gives whole commands as examples', async () => {
    const cases = [
      ['new backup evry day', ['/drumbeat new backup every day']],
      [
        'new backup every blah',
        ['/drumbeat new backup every 15 minutes', '/drumbeat new backup every day at 2am'],
      ],
      ['new backup every day --grace 5m', ['/drumbeat new backup every day grace 5m']],
      ['new q7 every day --grace=5m -tz UTC', ['/drumbeat new q7 every day grace 5m tz UTC']],
      ['new q6 every 5 minuts grace 10m', ['/drumbeat new q6 every 5 minutes grace 10m']],
      ['new q3 every day grace', ['/drumbeat new q3 every day grace 30m']],
      ['new q8 every 1 hour grace banana', ['/drumbeat new q8 every 1 hour grace 30m']],
      [
        'new q9 every 1 hour grace 30 max runtime 2h',
        ['/drumbeat new q9 every 1 hour grace 30m max runtime 2h'],
      ],
      ['new q10 every 1 hour max runtime -5m', ['/drumbeat new q10 every 1 hour max runtime 2h']],
      [
        'new backup every day tz Mars/Base',
        [
          '/drumbeat new backup every day tz Europe/Berlin',
          '/drumbeat new backup every day tz America/New_York',
          '/drumbeat new backup every day tz UTC',
        ],
      ],
    ] as const;
    for (const [command, examples] of cases) {
      const reply = await core.run(command, owner);
      expect(reply.isError).toBe(true);
      expect(suggestedCommands(reply)).toEqual(examples);
    }
  });

  it('shows one example on the Try line', async () => {
    const reply = await core.run('new backup evry day', owner);
    expect(tryLine(reply)).toBe('Try: /drumbeat new backup every day');
    expect(listedLines(reply)).toEqual([]);
  });

  it('shows each of several examples on its own line', async () => {
    const reply = await core.run('new backup every blah', owner);
    expect(tryLine(reply)).toBeNull();
    expect(listedLines(reply)).toEqual([
      '/drumbeat new backup every 15 minutes',
      '/drumbeat new backup every day at 2am',
    ]);
    expect(replyToText(reply)).not.toContain(', or ');
  });

  // Each example is run as shown, in a team of its own, so that the name is free each time.
  it.each([
    [
      'new zone-typo every day at 9am tz Berlinn grace 5m',
      [
        '/drumbeat new zone-typo every day at 9am tz Europe/Berlin grace 5m',
        '/drumbeat new zone-typo every day at 9am tz America/New_York grace 5m',
        '/drumbeat new zone-typo every day at 9am tz UTC grace 5m',
      ],
    ],
    [
      'new two-words every day at 9am tz new yrok',
      [
        '/drumbeat new two-words every day at 9am tz Europe/Berlin',
        '/drumbeat new two-words every day at 9am tz America/New_York',
        '/drumbeat new two-words every day at 9am tz UTC',
      ],
    ],
    [
      'new no-zone every day tz grace 5m',
      [
        '/drumbeat new no-zone every day tz Europe/Berlin grace 5m',
        '/drumbeat new no-zone every day tz America/New_York grace 5m',
        '/drumbeat new no-zone every day tz UTC grace 5m',
      ],
    ],
    [
      'new tz-less every 5 minutes tz',
      [
        '/drumbeat new tz-less every 5 minutes tz Europe/Berlin',
        '/drumbeat new tz-less every 5 minutes tz America/New_York',
        '/drumbeat new tz-less every 5 minutes tz UTC',
      ],
    ],
    [
      'new spelled every day at 9am time zone Berlinn',
      ['/drumbeat new spelled every day at 9am tz Europe/Berlin'],
    ],
    // The zone's examples each get the schedule's spelling fix as well.
    [
      'new also-typo every dya tz Berlinn',
      [
        '/drumbeat new also-typo every day tz Europe/Berlin',
        '/drumbeat new also-typo every day tz America/New_York',
        '/drumbeat new also-typo every day tz UTC',
      ],
    ],
    [
      'new long-grace every day grace 400 days tz UTC',
      ['/drumbeat new long-grace every day grace 10 minutes tz UTC'],
    ],
    [
      'new short-run max runtime 0s every day',
      ['/drumbeat new short-run max runtime 2h every day'],
    ],
    [
      'new blah-job every blah grace 5m',
      [
        '/drumbeat new blah-job every 15 minutes grace 5m',
        '/drumbeat new blah-job every day at 2am grace 5m',
      ],
    ],
    [
      'new twice biweekly',
      ['/drumbeat new twice every 2 weeks', '/drumbeat new twice every monday and thursday at 9am'],
    ],
    [
      'new half-month bi-monthly',
      [
        '/drumbeat new half-month every 2 months on the 1st at 9am',
        '/drumbeat new half-month on the 1st and 15th at 9am',
      ],
    ],
    ["new cron-range '0 25 * * *'", ['/drumbeat new cron-range cron "0 23 * * *"']],
    ['new general hourly in general', ['/drumbeat new general hourly']],
    ['new general hourly in general grace 5m', ['/drumbeat new general hourly grace 5m']],
    [
      "new cron-range '60 9 * * 1-5' grace 5m",
      ['/drumbeat new cron-range cron "59 9 * * 1-5" grace 5m'],
    ],
    ['new Bad!! every day', ['/drumbeat new bad every day']],
    ['new !! every day', ['/drumbeat new nightly-invoices every day']],
    ['new', ['/drumbeat new nightly-invoices every 1 hour grace 10 minutes']],
  ])('gives whole commands for %j', async (command, examples) => {
    const reply = await core.run(command, owner);
    expect(reply.isError).toBe(true);
    expect(suggestedCommands(reply)).toEqual(examples);
    for (const [index, suggested] of examples.entries()) {
      const ctx = { ...owner, teamId: `slack:TTRIED ${command} ${index}` };
      const created = await core.run(handlerText(suggested), ctx);
      expect(replyToText(created)).toContain('Created monitor');
    }
  });

  it("adopts the creator's zone for a team without one", async () => {
    const ctx = { ...owner, teamId: 'slack:TZONED', userTimezone: 'Europe/Berlin' };
    const reply = await core.run('new zoned every 1 hour', ctx);
    expect(replyToText(reply)).toContain(
      "This team's zone is now Europe/Berlin, the same as yours. Times are shown in it, and new schedules use it. Change it with a command such as /drumbeat timezone America/New_York",
    );
    expect(suggestedCommands(reply)).toEqual(['/drumbeat timezone America/New_York']);
    expect((await teams.get('slack:TZONED')).timezone).toBe('Europe/Berlin');
    const second = await text('new zoned-two every 1 hour', ctx);
    expect(second).not.toContain('Times are shown');
    expect(second).not.toContain("This team's zone");
  });

  it('names UTC for a team and creator without a zone', async () => {
    const ctx = { ...owner, teamId: 'slack:TNOZONE' };
    const out = await text('new unzoned every 1 hour', ctx);
    expect(out).toContain(
      'Times are shown in UTC until the team sets its zone, for example with /drumbeat timezone Europe/Berlin',
    );
    expect((await teams.get('slack:TNOZONE')).timezone).toBeNull();
  });

  it("suggests the schedule's zone as the team zone", async () => {
    const ctx = { ...owner, teamId: 'slack:TNOZONE2' };
    const reply = await core.run('new tokyo-zoned every day at 9am tz Asia/Tokyo', ctx);
    const [suggested] = suggestedCommands(reply);
    expect(suggested).toBe('/drumbeat timezone Asia/Tokyo');
    expect((await core.run(handlerText(suggested!), ctx)).isError).toBe(false);
    expect((await teams.get('slack:TNOZONE2')).timezone).toBe('Asia/Tokyo');
  });

  it('offers other readings of a new monitor', async () => {
    const ctx = { ...owner, teamId: 'slack:TREADINGS' };
    await teams.setTimezone(ctx.teamId, 'UTC');
    const reply = await core.run('new india-job every day at 9 tz IST grace 5m', ctx);
    expect(reply.isError).toBe(false);
    const out = replyToText(reply);
    expect(out).toContain('Read IST as India Standard Time (Asia/Kolkata).\n');
    expect(out).toContain('Read "9" as 09:00 on a 24-hour clock.\n');
    expect(out).toContain(
      'To read the schedule another way, delete india-job and create it again, which gives it a new ping URL:\n',
    );
    expect(out).not.toMatch(/\bsay\b/);
    expect(suggestedCommands(reply)).toEqual([
      '/drumbeat delete india-job',
      '/drumbeat new india-job every day at 9 tz Europe/Dublin grace 5m',
      '/drumbeat new india-job every day at 9 tz Asia/Jerusalem grace 5m',
      '/drumbeat new india-job every day at 9pm tz IST grace 5m',
    ]);
    const [, ...others] = reply.sections[0]!.lines.filter((line) => typeof line !== 'string');
    expect(others.map((line) => line.lead)).toEqual([
      'For Irish time: ',
      'For Israel time: ',
      'For 21:00: ',
    ]);
  });

  // Each reading is tried in a team of its own: the monitor is created, deleted as the reply
  // suggests, and created again with the other reading.
  it.each([
    ['every day at 9 tz IST grace 5m', 'Europe/Dublin'],
    ['every day at 9am IST', 'Asia/Jerusalem'],
    ['daily at 9 GMT', 'Europe/London'],
    ['every day at 2am tz MST', 'America/Phoenix'],
    ['* 9 * * 1-5', '0 9 * * 1-5'],
    ["'*/45 * * * *' grace 5m", 'every 45 minutes grace 5m'],
    ['on the 31st at 9am', 'L'],
    ['every monday', 'at 9am'],
  ])('runs each other reading of %j', async (rest, part) => {
    const created = await core.run(`new other-reading ${rest}`, owner);
    expect(created.isError).toBe(false);
    // The team has no zone, so the last command sets one.
    const [deletion, ...others] = suggestedCommands(created).slice(0, -1);
    expect(deletion).toBe('/drumbeat delete other-reading');
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(other).toMatch(/^\/drumbeat new other-reading /);
    expect(others.some((command) => command.includes(part))).toBe(true);
    await core.run(handlerText(deletion!), owner);
    for (const [index, other] of others.entries()) {
      const ctx = { ...owner, teamId: `slack:TREAD ${rest} ${index}` };
      await core.run(`new other-reading ${rest}`, ctx);
      expect((await core.run(handlerText(deletion!), ctx)).isError).toBe(false);
      const again = await core.run(handlerText(other), ctx);
      expect(replyToText(again)).toContain('Created monitor other-reading.');
    }
  });

  it('adds no zone note for a team with a zone', async () => {
    const ctx = { ...owner, teamId: 'slack:TSETZONE', userTimezone: 'America/New_York' };
    await teams.setTimezone('slack:TSETZONE', 'Asia/Tokyo');
    const out = await text('new tokyo-job every day at 9am', ctx);
    const next = /Next scheduled runs: (.*)/.exec(out)?.[1] ?? '';
    expect(next.split(';')).toHaveLength(3);
    expect(out).toContain('09:00 GMT+9');
    expect(out).not.toContain('Times are shown');
    expect(out).not.toContain("This team's zone");
    expect((await teams.get('slack:TSETZONE')).timezone).toBe('Asia/Tokyo');
  });
});

describe('other commands', () => {
  it('lists only the caller team monitors', async () => {
    await core.run('new listed-job every 5 minutes', owner);
    expect(await text('list', owner)).toContain('listed-job: waiting for its first ping');
    expect(await text('list', outsider)).not.toContain('listed-job');
  });

  it('lists names with numbers in number order', async () => {
    const ctx = { ...owner, teamId: 'slack:TNUMBERS' };
    for (const name of ['job10', 'job2', 'job1', 'job100']) {
      await core.run(`new ${name} every 1 hour`, ctx);
    }
    const listed = await text('list', ctx);
    const order = ['job1', 'job2', 'job10', 'job100'].map((name) => listed.indexOf(`${name}:`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows status with state and pings', async () => {
    await core.run('new status-job every 1 hour', owner);
    const id = (await store.idForName(owner.teamId, 'status-job'))!;
    const ping = pingFixture('success');
    await events.apply(id, { type: 'ping', ping }, { pingAt: NOW });
    const out = await text('status status-job', owner);
    expect(out).toContain('State: up');
    expect(out).toContain('Schedule: every hour, grace 12m\n');
    expect(out).toContain('Latest pings:');
    expect(out).toContain('success');
  });

  it('shows the maximum run time in status', async () => {
    await core.run('new long-job every day at 2am grace 10 minutes max runtime 2 hours', owner);
    const out = await text('status long-job', owner);
    expect(out).toMatch(/Schedule: .*, grace 10m, maximum run time 2h\n/);
  });

  it('answers an unknown monitor name helpfully', async () => {
    const reply = await core.run('status no-such-job', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe('There is no monitor named "no-such-job" here.');
    expect(replyToText(reply)).toContain('/drumbeat list');
  });

  it('hides another team monitors from status', async () => {
    const reply = await core.run('status status-job', outsider);
    expect(reply.summary).toContain('There is no monitor named "status-job"');
  });

  it.each([
    ['until 9am IST', '/drumbeat silence read-end until 9am Europe/Dublin'],
    ['until monday', '/drumbeat silence read-end until monday 9am'],
    ['until tomorrow morning', '/drumbeat silence read-end until tomorrow 8am'],
    ['until tomorrow at midnight', '/drumbeat silence read-end until midnight tonight'],
  ])('offers other ends for %j', async (end, expected) => {
    await core.run('new read-end every 1 hour', owner);
    const reply = await core.run(`silence read-end ${end}`, owner);
    expect(reply.isError).toBe(false);
    const commands = suggestedCommands(reply);
    expect(commands).toContain(expected);
    expect(replyToText(reply)).not.toMatch(/\bsay\b/);
    const id = (await store.idForName(owner.teamId, 'read-end'))!;
    for (const command of commands) {
      const silenced = await core.run(handlerText(command), owner);
      expect(silenced.isError).toBe(false);
      const until = (await store.get(id))?.monitor.silencedUntil;
      expect(silenced.summary).toContain('read-end is silenced until');
      expect(until).not.toBeNull();
    }
    await core.run('delete read-end', owner);
  });

  it('silences for a duration and unsilences', async () => {
    await core.run('new quiet-job every 1 hour', owner);
    const silenced = await core.run('silence quiet-job for 2 hours', owner);
    expect(silenced.isError).toBe(false);
    const id = (await store.idForName(owner.teamId, 'quiet-job'))!;
    expect((await store.get(id))?.monitor.silencedUntil).toBe(NOW + 7_200_000);
    expect((await core.run('unsilence quiet-job', owner)).summary).toBe(
      'quiet-job is no longer silenced.',
    );
    expect((await store.get(id))?.monitor.silencedUntil).toBeNull();
  });

  it('pauses and resumes', async () => {
    await core.run('new pausable every 1 hour', owner);
    expect((await core.run('pause pausable', owner)).summary).toContain('is paused');
    expect((await core.run('pause pausable', owner)).summary).toBe(
      'pausable is paused already; nothing changed.',
    );
    expect((await core.run('resume pausable', owner)).summary).toBe('pausable is resumed.');
    expect((await core.run('resume pausable', owner)).summary).toBe(
      'pausable is not paused; nothing changed.',
    );
    expect((await core.run('unsilence pausable', owner)).summary).toBe(
      'pausable is not silenced; nothing changed.',
    );
  });

  it('shows the ping key and the URL by name', async () => {
    const out = await text('pingkey', owner);
    const key = (await teams.get(owner.teamId)).pingKey;
    expect(key).not.toBeNull();
    expect(out).toContain(`https://drumbeat.test/ping/${key}/<name>`);
    expect(out).toContain('?create=1');
    expect(await text('pingkey', owner)).toContain(key!);
  });

  it('samples the first monitor in pingkey', async () => {
    const keyTeam: CommandContext = { ...owner, teamId: 'slack:TKEYS' };
    await core.run('new zeta-sync every 1 day', keyTeam);
    await core.run('new alpha-backup every 1 day', keyTeam);
    const key = await teams.ensurePingKey(keyTeam.teamId);

    const reply = await core.run('pingkey', keyTeam);

    const ping = reply.sections[0]!;
    expect(ping.code).toBe(
      `curl -fsS -m 10 --retry 5 --retry-connrefused https://drumbeat.test/ping/${key}/alpha-backup`,
    );
    expect(ping.lines).toContain(
      'The line below pings alpha-backup. Add it to the end of that job.',
    );
    expect(replyToText(reply)).not.toContain('/backup');
  });

  it('shows a placeholder in pingkey without monitors', async () => {
    const emptyTeam: CommandContext = { ...owner, teamId: 'slack:TKEYSEMPTY' };
    const key = await teams.ensurePingKey(emptyTeam.teamId);

    const reply = await core.run('pingkey', emptyTeam);

    const ping = reply.sections[0]!;
    expect(ping.code).toBe(
      `curl -fsS -m 10 --retry 5 --retry-connrefused https://drumbeat.test/ping/${key}/<name>`,
    );
    expect(ping.lines).toContain(
      "This team has no monitors yet, so <name> in the line below is a placeholder for a monitor's name. Create one first: /drumbeat new backup every 1 day",
    );
  });

  it('rejects a channel on the command line', async () => {
    const cli: CommandContext = {
      ...owner,
      platform: 'cli',
      teamId: 'cli:local',
      channelId: 'log',
    };
    const reply = await core.run('new cli-job every 1 hour in #ops', cli);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('The command line has no channels');
  });

  it('deletes a monitor and its ping token', async () => {
    await core.run('new doomed every 1 hour', owner);
    const id = (await store.idForName(owner.teamId, 'doomed'))!;
    const token = (await store.get(id))!.monitor.token;
    expect((await core.run('delete doomed', owner)).summary).toContain('Deleted doomed');
    expect(await store.idForToken(token)).toBeNull();
    expect(await store.get(id)).toBeNull();
  });

  it('keeps an outsider from deleting the owner monitor', async () => {
    await core.run('new guarded every 1 hour', owner);
    const reply = await core.run('delete guarded', outsider);
    expect(reply.isError).toBe(true);
    expect(await store.idForName(owner.teamId, 'guarded')).not.toBeNull();
  });

  it('notes how a zone abbreviation was read', async () => {
    const ctx = { ...owner, teamId: 'slack:TZONE3' };
    const est = replyToText(await core.run('timezone EST', ctx));
    expect(est).toContain("This team's zone is now America/New_York.");
    expect(est).toContain(
      'Read EST as US Eastern time (America/New_York), which changes with daylight saving time.',
    );
    const berlin = replyToText(await core.run('timezone Europe/Berlin', ctx));
    expect(berlin).not.toContain('Read ');
  });

  it('sets the team zone and rejects an unknown one', async () => {
    const ctx = { ...owner, teamId: 'slack:TZONE2' };
    expect((await core.run('timezone America/New_York', ctx)).summary).toContain(
      'America/New_York',
    );
    expect((await teams.get('slack:TZONE2')).timezone).toBe('America/New_York');
    const bad = await core.run('timezone Mars/Olympus', ctx);
    expect(bad.isError).toBe(true);
    expect(bad.summary).toContain('"Mars/Olympus" is not an IANA time zone');
    const zones = ['Europe/Berlin', 'America/New_York', 'UTC'];
    expect(suggestedCommands(bad)).toEqual(zones.map((zone) => `/drumbeat timezone ${zone}`));
    expect(replyToText(bad)).not.toContain('tz ');
    for (const suggested of suggestedCommands(bad)) {
      expect((await core.run(handlerText(suggested), ctx)).isError).toBe(false);
    }
  });

  it('answers an unknown verb with the help hint', async () => {
    const reply = await core.run('frobnicate x', owner);
    expect(reply.isError).toBe(true);
    expect(replyToText(reply)).toContain('/drumbeat help');
    expect(replyToText(reply)).not.toContain('Did you mean');
  });

  it('suggests help for a bare typo', async () => {
    const reply = await core.run('stauts', owner);
    expect(reply.summary).toContain('Did you mean "status"?');
    expect(replyToText(reply)).toContain('Try: /drumbeat help');
    expect(replyToText(await core.run('lst', owner))).toContain('Try: /drumbeat list');
  });

  it('suggests the command for a typo', async () => {
    for (const [typo, command] of [
      ['paus backup', 'pause backup'],
      ['staus backup', 'status backup'],
      ['Timezon UTC', 'timezone UTC'],
    ] as const) {
      const reply = await core.run(typo, owner);
      expect(reply.isError).toBe(true);
      expect(reply.summary).toContain(`Did you mean "${command.split(' ')[0]}"?`);
      expect(replyToText(reply)).toContain(`Try: /drumbeat ${command}`);
    }
  });

  it('suggests another zone to change to', async () => {
    const ctx = { ...owner, teamId: 'slack:TZONE3' };
    const zones = { 'Europe/Berlin': 'America/New_York', 'Asia/Tokyo': 'Europe/Berlin' };
    for (const [zone, example] of Object.entries(zones)) {
      await core.run(`timezone ${zone}`, ctx);
      const zoneReply = replyToText(await core.run('timezone', ctx));
      expect(zoneReply).toContain(`This team's zone is ${zone}.`);
      expect(zoneReply).toContain(`Change it with /drumbeat timezone ${example}`);
    }
  });

  it('asks for the zone after a bare tz', async () => {
    const reply = await core.run('new tz-less every 5 minutes tz', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toBe('tz needs a time zone after it.');
  });

  it('rejects a command over the length cap', async () => {
    const reply = await core.run(`new x ${'a'.repeat(2000)}`, owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('the limit is 1000');
  });

  it('shows help for an empty command', async () => {
    const out = await text('', owner);
    expect(out).toContain('Commands:');
    expect(out).toContain('silence <name> for <duration>');
    expect(out).toContain('  /drumbeat new nightly-invoices every 1 hour grace 10 minutes\n');
    expect(out).toContain('  /drumbeat silence backup for 2 hours\n');
  });
});

describe('examples of commands on a monitor', () => {
  const ctx = { ...owner, teamId: 'slack:TEXAMPLES' };

  beforeAll(async () => {
    for (const name of ['backup', 'nightly-invoices', 'db.main']) {
      await core.run(`new ${name} every 1 hour`, ctx);
    }
  });

  // Each example is run as shown, against the monitors above.
  it.each([
    ['silence', ['/drumbeat list']],
    ['silence db.main', ['/drumbeat silence db.main for 2 hours']],
    [
      'silence db.main for',
      [
        '/drumbeat silence db.main for 2 hours',
        '/drumbeat silence db.main until tomorrow 9am',
        '/drumbeat silence db.main until monday',
      ],
    ],
    [
      'silence db.main until',
      [
        '/drumbeat silence db.main for 2 hours',
        '/drumbeat silence db.main until tomorrow 9am',
        '/drumbeat silence db.main until monday',
      ],
    ],
    [
      'silence db.main for blah',
      ['/drumbeat silence db.main for 2 hours', '/drumbeat silence db.main for 90m'],
    ],
    ['silence db.main for 0s', ['/drumbeat silence db.main for 2 hours']],
    [
      'silence db.main for 100 days',
      ['/drumbeat silence db.main for 7 days', '/drumbeat silence db.main until monday'],
    ],
    [
      'silence db.main until yesterday',
      [
        '/drumbeat silence db.main for 2 hours',
        '/drumbeat silence db.main until tomorrow 9am',
        '/drumbeat silence db.main until monday',
      ],
    ],
    // NOW is Wednesday 10 June 2026, so the date is a week later.
    [
      'silence db.main until blorp',
      [
        '/drumbeat silence db.main until tomorrow 9am',
        '/drumbeat silence db.main until monday',
        '/drumbeat silence db.main until 2026-06-17 08:00',
      ],
    ],
    ['silence DB.Main! for 2h', ['/drumbeat silence db.main for 2h']],
    ['silence !!! for 2h', ['/drumbeat list']],
    ['status', ['/drumbeat list']],
    ['status <backup>', ['/drumbeat status backup']],
    ['pause', ['/drumbeat list']],
    ['resume #backup', ['/drumbeat resume backup']],
    ['unsilence', ['/drumbeat list']],
    ['delete', ['/drumbeat list']],
  ])('gives whole commands for %j', async (command, examples) => {
    const reply = await core.run(command, ctx);
    expect(reply.isError).toBe(true);
    expect(suggestedCommands(reply)).toEqual(examples);
    for (const suggested of examples) {
      expect((await core.run(handlerText(suggested), ctx)).isError).toBe(false);
    }
  });
});

describe('list with text after it', () => {
  it('says the text was not used', async () => {
    const reply = await core.run('list failing', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('"list" shows every monitor and takes nothing after it');
    expect(reply.summary).toContain('"failing" was not used');
    expect(tryLine(reply)).toBe('Try: /drumbeat list');
  });

  it('still lists with nothing after it', async () => {
    expect((await core.run('list', owner)).isError).toBe(false);
  });
});

describe('a duration without a unit', () => {
  it('names the missing unit', async () => {
    const reply = await core.run('new q11 every 1 hour grace 30 max runtime 2h', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('"grace 30" has no unit: write 30s, 30m or 30h.');
  });
});

describe('a change with text after the name', () => {
  it.each(['delete', 'pause', 'resume', 'unsilence'])('changes nothing for %s', async (verb) => {
    await core.run('new after-a every 1 hour', owner);
    await core.run('new after-b every 1 hour', owner);
    const reply = await core.run(`${verb} after-a after-b`, owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain(
      `"${verb}" takes one monitor name, and "after-b" came after it`,
    );
    expect(tryLine(reply)).toBe(`Try: /drumbeat ${verb} after-a`);
    const list = await core.run('list', owner);
    expect(JSON.stringify(list)).toContain('after-a');
    expect(JSON.stringify(list)).toContain('after-b');
    await core.run('delete after-a', owner);
    await core.run('delete after-b', owner);
  });

  it('still deletes with the name alone', async () => {
    await core.run('new after-c every 1 hour', owner);
    const reply = await core.run('delete after-c', owner);
    expect(reply.isError).toBe(false);
    expect(reply.summary).toContain('Deleted after-c.');
  });
});

describe('a change without a monitor name', () => {
  // A copied example with a name such as "backup" could change a real monitor of that name.
  it.each(['delete', 'pause', 'resume', 'silence', 'unsilence'])(
    'points %s to the list, not a name',
    async (verb) => {
      const reply = await core.run(verb, owner);
      expect(reply.isError).toBe(true);
      expect(reply.summary).toContain(`The name of the monitor to ${verb} is missing.`);
      expect(tryLine(reply)).toBe('Try: /drumbeat list');
    },
  );
});

describe('unexpected errors', () => {
  it('run replies with an apology', async () => {
    const spy = vi.spyOn(store, 'listTeam').mockRejectedValueOnce(new Error('store broke'));
    try {
      const reply = await core.run('list', owner);
      expect(reply.isError).toBe(true);
      expect(reply.summary).toContain('Something went wrong on our side');
    } finally {
      spy.mockRestore();
    }
  });

  it('runOrThrow rethrows unexpected errors', async () => {
    const spy = vi.spyOn(store, 'listTeam').mockRejectedValueOnce(new Error('store broke'));
    try {
      await expect(core.runOrThrow('list', owner)).rejects.toThrow('store broke');
    } finally {
      spy.mockRestore();
    }
  });

  it('runOrThrow replies to user mistakes', async () => {
    const reply = await core.runOrThrow('status nosuch', owner);
    expect(reply.isError).toBe(true);
    expect(reply.summary).toContain('There is no monitor named "nosuch"');
  });
});

describe('buttons', () => {
  async function failedMonitor(name: string) {
    await core.run(`new ${name} every 1 hour`, owner);
    const id = (await store.idForName(owner.teamId, name))!;
    const ping = pingFixture('fail', { exitStatus: 1 });
    await events.apply(id, { type: 'ping', ping }, { pingAt: NOW });
    const incident = (await store.get(id))!.monitor.incident!;
    return { id, value: `${id}:${incident.id}` };
  }

  it('acknowledges for a teammate', async () => {
    const { id, value } = await failedMonitor('ack-job');
    expect(await core.pressButton('acknowledge', value, teammate)).toBeNull();
    expect((await store.get(id))?.monitor.incident?.acknowledgedBy).toBe('UMATE');
    const again = await core.pressButton('acknowledge', value, owner);
    expect(again?.summary).toContain('acknowledged already');
  });

  it('refuses a press from another team', async () => {
    const { id, value } = await failedMonitor('forged-job');
    for (const action of ['acknowledge', 'silence_1h', 'pause'] as const) {
      const reply = await core.pressButton(action, value, outsider);
      expect(reply?.summary).toBe(
        'This alert belongs to another workspace, so Drumbeat did nothing.',
      );
    }
    const monitor = (await store.get(id))!.monitor;
    expect(monitor.incident?.acknowledgedAt).toBeNull();
    expect(monitor.silencedUntil).toBeNull();
    expect(monitor.state).toBe('failed');
  });

  it('answers a press on a deleted monitor', async () => {
    const { value } = await failedMonitor('gone-job');
    await core.run('delete gone-job', owner);
    const reply = await core.pressButton('acknowledge', value, owner);
    expect(reply?.summary).toBe('This monitor was deleted, so there is nothing to do.');
  });

  it('silences for an hour from the press', async () => {
    const { id, value } = await failedMonitor('snooze-job');
    expect(await core.pressButton('silence_1h', value, owner)).toBeNull();
    expect((await store.get(id))?.monitor.silencedUntil).toBe(NOW + 3_600_000);
  });
});
