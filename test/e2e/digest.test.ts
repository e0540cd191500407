// Weekly digests end to end: the real service (in this process, so that its clock can be set),
// real Redis and HTTP pings, and the Slack and Discord stand-ins receiving the digests.
//
// The week is Monday 24 to Sunday 30 March 2025 in Europe/Berlin, which springs forward on
// Sunday at 02:00, so the week is 167 hours long and Monday 09:00 is 07:00 UTC, not 08:00 as the
// week before. The clock is Date.now() plus an offset the test sets, so a week of pings is sent
// hour by hour in a few seconds. Then the service restarts just before Monday 09:00 with two
// worker processes, and the digest must arrive once in each channel at 09:00 Berlin time.

import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import type { CommandContext } from '../../src/bot/commands/context.js';
import { loadConfig } from '../../src/config.js';
import { digestImageSize } from '../../src/digest/picture/render.js';
import type { Platform } from '../../src/domain/types.js';
import { readPngHeader } from '../digest/png.js';
import { DiscordApiStandIn } from '../support/discord-api.js';
import { generateTestKeyPair } from '../support/discord-signing.js';
import { freePort } from '../support/private-redis.js';
import {
  connectTestRedis,
  deletePrefix,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
} from '../support/redis.js';
import { ServiceProcess } from '../support/service.js';
import { SlackApiStandIn } from '../support/slack-api.js';
import { postSigned, slashCommandBody } from '../support/slack-signing.js';

const HOUR = 3_600_000;
const ZONE = 'Europe/Berlin';
const SLACK_TEAM = 'T0OWNER01';
const SLACK_CHANNEL = 'C0ALERTS1';
const DISCORD_GUILD = '900000000000000101';
const DISCORD_CHANNEL = '910000000000000101';
const OWNER = 'U0OWNER01';

/** Berlin wall time in March 2025 as an instant: CET (UTC+1) before 30 March 02:00, then CEST. */
function berlin(day: number, hour: number, minute = 0, second = 0): number {
  const offsetHours = day > 30 || (day === 30 && hour >= 3) ? 2 : 1;
  return Date.UTC(2025, 2, day, hour, minute, second) - offsetHours * HOUR;
}

const DIGEST_DUE = berlin(31, 9);

let offsetMs = 0;
const clock = () => Date.now() + offsetMs;
/** Sets the service's clock to `fakeNowMs`. */
function setClock(fakeNowMs: number): void {
  offsetMs = fakeNowMs - Date.now();
}

const prefix = uniquePrefix('e2e-digest');
const redis = connectTestRedis();
const keyPair = generateTestKeyPair();
let slack: SlackApiStandIn;
let discord: DiscordApiStandIn;
const apps: RunningApp[] = [];

async function startService(roles: string): Promise<RunningApp> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DRUMBEAT_KEY_PREFIX: prefix,
    DRUMBEAT_ROLES: roles,
    SLACK_SIGNING_SECRET: 'e2e-signing-secret',
    SLACK_BOT_TOKEN: slack.identity.token,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: discord.identity.applicationId,
    DISCORD_PUBLIC_KEY: keyPair.publicKeyHex,
    DISCORD_BOT_TOKEN: discord.identity.botToken,
    DISCORD_API_URL: discord.apiUrl,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await startApp({ config, redisUrl: TEST_REDIS_URL, logger, clock });
  apps.push(app);
  return app;
}

function context(platform: Platform): CommandContext {
  const slackSide = platform === 'slack';
  return {
    platform,
    teamId: slackSide ? `slack:${SLACK_TEAM}` : `discord:${DISCORD_GUILD}`,
    userId: OWNER,
    channelId: slackSide ? SLACK_CHANNEL : DISCORD_CHANNEL,
    now: clock(),
    userTimezone: null,
  };
}

async function command(app: RunningApp, platform: Platform, text: string): Promise<string> {
  const reply = await app.core.run(text, context(platform));
  const body = JSON.stringify(reply);
  if (reply.isError) throw new Error(`"${text}" failed: ${body}`);
  return body;
}

function pingUrlOf(reply: string): string {
  const match = /http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}/.exec(reply);
  if (!match) throw new Error(`no ping URL in ${reply}`);
  return match[0];
}

async function ping(url: string, atMs: number): Promise<void> {
  setClock(atMs);
  const response = await fetch(url);
  expect(response.status).toBe(200);
}

interface Team {
  hourly: string;
  nightly: string;
}

async function createTeam(app: RunningApp, platform: Platform): Promise<Team> {
  await command(app, platform, `timezone ${ZONE}`);
  const hourly = pingUrlOf(await command(app, platform, 'new hourly-sync every 1 hour'));
  const nightly = pingUrlOf(
    await command(app, platform, `new nightly-backup cron "0 2 * * *" tz ${ZONE} grace 30 minutes`),
  );
  return { hourly, nightly };
}

/** Sends the week's pings in time order: hourly at :05, nightly at 02:00:30 (03:00:30 on Sunday). */
async function runWeek(teams: Team[]): Promise<void> {
  const nightlyRuns = new Map<number, number>();
  for (let day = 24; day <= 30; day++) {
    nightlyRuns.set(day === 30 ? berlin(30, 3, 0, 30) : berlin(day, 2, 0, 30), day);
  }
  for (let at = berlin(24, 0, 5); at < berlin(31, 8, 30); at += HOUR) {
    for (const team of teams) await ping(team.hourly, at);
    for (const [runAt, day] of nightlyRuns) {
      if (runAt < at || runAt >= at + HOUR) continue;
      // Wednesday's backup fails.
      for (const team of teams)
        await ping(day === 26 ? `${team.nightly}/fail` : team.nightly, runAt);
    }
  }
}

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ teamId: SLACK_TEAM });
  discord = await DiscordApiStandIn.start();
  discord.addChannel(DISCORD_CHANNEL);

  // Created on Sunday 23 March at 23:50, then a week of pings.
  setClock(berlin(23, 23, 50));
  const first = await startService('web,worker');
  const teams = [await createTeam(first, 'slack'), await createTeam(first, 'discord')];
  await runWeek(teams);
  await first.stop();

  // A restart four seconds before Monday 09:00, with a second worker process.
  setClock(DIGEST_DUE - 4000);
  await startService('web,worker');
  await startService('worker');
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.stop()));
  await deletePrefix(redis, prefix);
  await redis.quit();
  await slack?.close();
  await discord?.close();
});

/** Returns the clock's time when the stand-in received a call at real time `atMs`. */
const onServiceClock = (realAtMs: number) => realAtMs + offsetMs;

describe('weekly digest in Slack', () => {
  it('arrives at 09:00 in the team zone after a DST change', async () => {
    await waitFor(
      () => (slack.filesIn(SLACK_CHANNEL).length > 0 ? true : undefined),
      15_000,
      'digest upload',
    );
    const call = slack.callsTo('files.completeUploadExternal')[0]!;
    const arrivedAt = onServiceClock(call.at);
    expect(new Date(DIGEST_DUE).toISOString()).toBe('2025-03-31T07:00:00.000Z');
    expect(arrivedAt).toBeGreaterThanOrEqual(DIGEST_DUE);
    expect(arrivedAt).toBeLessThan(DIGEST_DUE + 5000);
  });

  it('covers the 167 hours of the week', () => {
    const message = slack.messagesIn(SLACK_CHANNEL).find((m) => m.files.length > 0)!;
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Weekly digest: Mon 24 Mar – Sun 30 Mar 2025');
    // 166 hourly runs, counted from the first ping at Monday 00:05, and 7 nightly ones, of
    // which one failed.
    expect(text).toContain('2 monitors, 173 expected runs, 99.4% on time, 1 incident.');
    expect(text).toContain('*nightly-backup*: 6 of 7 expected runs on time (85.7%); 1 failed');
    expect(text).toContain('No trouble: hourly-sync.');
  });

  it('attaches the picture as a PNG', () => {
    const file = slack.filesIn(SLACK_CHANNEL)[0]!;
    expect(file.name).toBe('drumbeat-digest-weekly-2025-03-24.png');
    expect(file.data?.length).toBe(file.length);
    const header = readPngHeader(file.data!);
    expect(header.valid).toBe(true);
    expect(header.width).toBe(800);
    expect(header.height).toBe(digestImageSize(2).height);
  });

  it('is posted once by two workers', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(slack.filesIn(SLACK_CHANNEL)).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
  });
});

describe('weekly digest in Discord', () => {
  it('arrives at 09:00 with the picture attached', async () => {
    const posted = () => discord.messagesIn(DISCORD_CHANNEL).find((m) => m.attachments.length > 0);
    const message = await waitFor(posted, 15_000, 'Discord digest');
    const call = discord
      .callsTo('POST', `/channels/${DISCORD_CHANNEL}/messages`)
      .find((c) => c.files.length > 0)!;
    const arrivedAt = onServiceClock(performance.timeOrigin + call.receivedAt);
    expect(arrivedAt).toBeGreaterThanOrEqual(DIGEST_DUE);
    expect(arrivedAt).toBeLessThan(DIGEST_DUE + 5000);

    const attachment = message.attachments[0]!;
    expect(attachment.filename).toBe('drumbeat-digest-weekly-2025-03-24.png');
    expect(attachment.contentType).toBe('image/png');
    const header = readPngHeader(attachment.data);
    expect(header).toEqual({ valid: true, width: 800, height: digestImageSize(2).height });
    const embed = JSON.stringify(message.embeds);
    expect(embed).toContain('attachment://drumbeat-digest-weekly-2025-03-24.png');
    expect(embed).toContain('2 monitors, 173 expected runs, 99.4% on time, 1 incident.');
  });

  it('is posted once by two workers', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const digests = discord.messagesIn(DISCORD_CHANNEL).filter((m) => m.attachments.length > 0);
    expect(digests).toHaveLength(1);
  });
});

describe('digest command in Slack', () => {
  const TEAM = 'T0CMDTEAM';
  const CHANNEL = 'C0CMDCHAN';
  const SIGNING_SECRET = 'e2e-digest-signing-secret';
  let service: ServiceProcess;
  let commandSlack: SlackApiStandIn;
  let queue: Queue;

  beforeAll(async () => {
    commandSlack = await SlackApiStandIn.start({ teamId: TEAM });
    service = await ServiceProcess.start({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: commandSlack.identity.token,
      SLACK_API_URL: commandSlack.apiUrl,
    });
    queue = new Queue('digests', {
      connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null },
      prefix: `${service.keyPrefix}:bull`,
    });
  }, 30_000);

  afterAll(async () => {
    await queue?.close();
    await service?.destroy();
    await commandSlack?.close();
  });

  async function slash(text: string): Promise<string> {
    const body = slashCommandBody({
      text,
      teamId: TEAM,
      userId: OWNER,
      channelId: CHANNEL,
      responseUrl: commandSlack.responseUrl(`cmd-${Math.random().toString(36).slice(2)}`),
    });
    const response = await postSigned(`${service.baseUrl}/slack/events`, SIGNING_SECRET, body);
    expect(response.status, `${response.text}\n${service.rawOutput.slice(-2000)}`).toBe(200);
    return response.text;
  }

  const scheduler = () => queue.getJobScheduler(`digest-slack:${TEAM}`);

  it('shows this week so far to the user who asked', async () => {
    const created = await slash('new quick-job every 1 hour');
    const url = /http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}/.exec(created)?.[0];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/fail`)).status).toBe(200);
    const reply = JSON.parse(await slash('digest')) as { response_type: string; text: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^This week so far: Mon \d+ \w+ – Sun \d+ \w+ \d{4}$/);
    const text = JSON.stringify(reply);
    expect(text).toContain('*quick-job*');
    expect(text).toContain('1 failed');
    expect(text).toContain('Digests come weekly on Monday at 09:00, UTC time');
  });

  it('schedules the team weekly on Monday 09:00 by default', async () => {
    const current = await waitFor(scheduler, 10_000, 'the default job scheduler');
    expect(current.pattern).toBe('0 9 * * 1');
    expect(current.tz).toBe('UTC');
  });

  it('moves the digest to Friday 4pm', async () => {
    const reply = await slash('digest weekly friday 4pm');
    expect(reply).toContain('Digests now come weekly on Friday at 16:00.');
    expect((await scheduler())?.pattern).toBe('0 16 * * 5');
  });

  it('makes the digest daily', async () => {
    const reply = await slash('digest daily 9am');
    expect(reply).toContain('Digests now come daily at 09:00.');
    expect((await scheduler())?.pattern).toBe('0 9 * * *');
  });

  it('turns the digest off', async () => {
    const reply = await slash('digest off');
    expect(reply).toContain('Digests are off for this team.');
    expect(await scheduler()).toBeUndefined();
  });

  it('rejects a schedule it cannot read, with an example', async () => {
    const reply = await slash('digest sometimes');
    expect(reply).toContain('is not a digest schedule');
    expect(reply).toContain('/drumbeat digest weekly friday 4pm');
  });
});
