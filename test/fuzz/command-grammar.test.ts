// Property-based test of `/drumbeat <text>`: any text, from random characters to near-misses
// of real commands, gets a reply written for the user. Nothing throws, nothing leaks a stack
// trace, and nothing falls through to the "went wrong on our side" reply of an unknown error.

import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/bot/commands/context.js';
import { CommandCore, MAX_COMMAND_LENGTH } from '../../src/bot/commands/core.js';
import { lineText } from '../../src/bot/text-reply.js';
import type { ReplyView } from '../../src/bot/views.js';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../src/scheduler/notifications.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const prefix = uniquePrefix('fuzz-grammar');
const loggedErrors: unknown[] = [];
let redis: Redis;
let core: CommandCore;
let closeQueues: () => Promise<void>;

beforeAll(async () => {
  redis = connectTestRedis();
  const keys = new Keys(prefix);
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  const logger = pino({ level: 'error' }, { write: (line: string) => loggedErrors.push(line) });
  const store = new MonitorStore(redis, keys);
  const teams = new TeamStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  const events = new MonitorEvents(store, deadlines, notifications, logger, Date.now);
  core = new CommandCore({ store, teams, events, logger, publicUrl: 'https://drumbeat.test' });
  closeQueues = async () => {
    await Promise.all([deadlines.close(), notifications.close()]);
  };
  // Monitors the near-miss commands can name, in a fixed state.
  await core.run('new backup every 1 day', context('UTC'));
  await core.run('new nightly-invoices every weekday at 9am', context('UTC'));
  const listed = await core.run('list', context('UTC'));
  if (!listed.summary.startsWith('2 monitors'))
    throw new Error(`fixtures missing: ${listed.summary}`);
});

afterAll(async () => {
  await closeQueues?.();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const ZONES = [
  null,
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
];

function context(userTimezone: string | null): CommandContext {
  return {
    platform: 'slack',
    teamId: 'slack:TFUZZ0001',
    userId: 'U0FUZZ001',
    channelId: 'C0FUZZ001',
    now: Date.UTC(2025, 5, 11, 15, 0, 0),
    userTimezone,
    resolveChannel: async (name) => (name === 'ops' ? 'C0OPS0001' : null),
  };
}

// Words of real commands, so that random sequences reach deep into the parsers.
const VOCABULARY = [
  'new',
  'list',
  'status',
  'silence',
  'unsilence',
  'pause',
  'resume',
  'delete',
  'help',
  'timezone',
  'tz',
  'backup',
  'nightly-invoices',
  'every',
  'each',
  'day',
  'days',
  'weekday',
  'weekend',
  'hour',
  'hours',
  'minute',
  'minutes',
  '15',
  '0',
  '-1',
  '1e9',
  '99999999999',
  'at',
  '9am',
  '9:30pm',
  '25:00',
  'noon',
  'midnight',
  'on',
  'monday',
  'mon-fri',
  'cron',
  '"0 3 * * 1-5"',
  '"* * *"',
  '"0 22-2 * * *"',
  '"*/90 * * * *"',
  'tz',
  'Europe/Berlin',
  'Mars/Olympus',
  'grace',
  '30m',
  '2h',
  '0s',
  '400 days',
  'max',
  'runtime',
  'in',
  '#ops',
  '#nowhere',
  '<#C123|ops>',
  'for',
  'until',
  'tomorrow',
  'tonight',
  'next',
  'week',
  'PT',
  'ET',
  'the',
  'and',
  ',',
  '"',
  "'",
  '\u2705',
  '\u0000',
  '\u202e',
  '%',
  '*/5',
];

const fromVocabulary = fc
  .array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 14 })
  .map((words) => words.join(' '));

const commandText = fc.oneof(
  { weight: 4, arbitrary: fromVocabulary },
  { weight: 2, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fromVocabulary, fc.string({ unit: 'binary', maxLength: 40 }))
      .map(([words, noise]) => `${words} ${noise}`),
  },
);

function allText(view: ReplyView): string {
  const sections = view.sections.map((s) =>
    [s.title ?? '', ...s.lines.map(lineText), s.code ?? ''].join('\n'),
  );
  return [view.summary, ...sections].join('\n');
}

function checkReply(view: ReplyView): void {
  expect(typeof view.summary).toBe('string');
  expect(view.summary.trim()).not.toBe('');
  const text = allText(view);
  expect(text).not.toMatch(/\n\s+at \S+ \(/);
  expect(text).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/);
  expect(text).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]/);
  expect(view.summary).not.toContain('went wrong on our side');
}

describe('command grammar fuzzing', () => {
  it('replies to any text without throwing', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(commandText, fc.constantFrom(...ZONES), async (text, zone) => {
        const view = await core.run(text, context(zone));
        checkReply(view);
      }),
      { numRuns: 1500 },
    );
    expect(loggedErrors).toEqual([]);
  });

  it('rejects a command past the length cap with the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: MAX_COMMAND_LENGTH + 1, maxLength: 5000 }),
        async (text) => {
          const view = await core.run(text, context('UTC'));
          expect(view.isError).toBe(true);
          expect(view.summary).toContain(`the limit is ${MAX_COMMAND_LENGTH}`);
        },
      ),
      { numRuns: 20 },
    );
  });
});
