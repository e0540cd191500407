import { afterEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../src/bot/slack/app.js';
import type { ReplyView } from '../../../src/bot/views.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { mountChatPlatforms } from '../../../src/platforms.js';
import type { MonitorStore } from '../../../src/store/monitors.js';
import type { TeamStore } from '../../../src/store/teams.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { buttonPressPayload, slashCommandBody } from '../../support/slack-signing.js';
import { SlackSocketStandIn } from '../../support/slack-socket.js';
import { RecordingCommands, replyFor } from './harness.js';

interface SocketHarness {
  slackApi: SlackApiStandIn;
  socket: SlackSocketStandIn;
  commands: RecordingCommands;
  slack: SlackApp;
  logs: Record<string, unknown>[];
}

const open: SocketHarness[] = [];

afterEach(async () => {
  for (const harness of open.splice(0)) {
    await harness.slack.stop();
    await harness.socket.close();
    await harness.slackApi.close();
  }
});

function captureLogs(level: 'info' | 'debug' = 'info') {
  const logs: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => logs.push(JSON.parse(line)) };
  return { logs, logger: createLogger({ level, destination }) };
}

/** Creates the Slack app in Socket Mode against the stand-ins, without starting it. */
async function createHarness(options: { appToken?: string; logLevel?: 'debug' } = {}) {
  const slackApi = await SlackApiStandIn.start();
  const socket = await SlackSocketStandIn.start(slackApi);
  const commands = new RecordingCommands();
  const { logs, logger } = captureLogs(options.logLevel);
  const slack = createSlackApp({
    appToken: options.appToken ?? socket.appToken,
    botToken: slackApi.identity.token,
    apiUrl: slackApi.apiUrl,
    commands,
    logger,
  });
  const harness: SocketHarness = { slackApi, socket, commands, slack, logs };
  open.push(harness);
  return harness;
}

async function startHarness(options: { logLevel?: 'debug' } = {}) {
  const harness = await createHarness(options);
  await harness.slack.start();
  return harness;
}

function commandPayload(harness: SocketHarness, text: string, responseId = 'r1') {
  const body = slashCommandBody({ text, responseUrl: harness.slackApi.responseUrl(responseId) });
  return Object.fromEntries(new URLSearchParams(body));
}

function logged(harness: SocketHarness, message: string) {
  return harness.logs.filter((line) => line.msg === message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Socket Mode start', () => {
  it('connects with the app-level token', async () => {
    const harness = await startHarness();

    const opens = harness.slackApi.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.token).toBe(harness.socket.appToken);
    expect(opens[0]!.failure).toBeNull();
    expect(harness.socket.openConnections).toHaveLength(1);
    expect(harness.slackApi.callsTo('auth.test')).toHaveLength(1);
    expect(logged(harness, 'Slack Socket Mode connected')).toHaveLength(1);
    expect(harness.slack.router.stack).toHaveLength(0);
  });

  it('rejects an app token Slack refuses', async () => {
    const harness = await createHarness({ appToken: 'xapp-1-wrong' });

    await expect(harness.slack.start()).rejects.toThrow(/SLACK_APP_TOKEN \(invalid_auth\)/);
    expect(harness.socket.connections).toHaveLength(0);
  });

  it('keeps trying while Slack is unreachable', async () => {
    const harness = await createHarness();
    harness.slackApi.failNext('apps.connections.open', { kind: 'http_error', status: 503 });

    await expect(harness.slack.start()).resolves.toBeUndefined();
    const retry = logged(harness, 'Slack Socket Mode connection failed; retrying');
    expect(retry).toHaveLength(1);
    expect(retry[0]!.delayMs).toBe(1000);
    expect(harness.socket.connections).toHaveLength(0);

    await harness.socket.waitForConnection(1, 3000);
    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(2);
  });

  it('logs no payloads at debug level', async () => {
    const harness = await startHarness({ logLevel: 'debug' });

    const ack = await harness.socket.deliver('slash_commands', commandPayload(harness, 'list'));

    expect(JSON.stringify(ack.payload)).toContain('You typed list');
    expect(harness.logs.some((line) => /ack|WebSocket/i.test(String(line.msg)))).toBe(true);
    expect(JSON.stringify(harness.logs)).not.toContain('You typed list');
    expect(JSON.stringify(harness.logs)).not.toContain(harness.socket.appToken);
    // The ticket in the WebSocket URL is what it takes to receive the app's requests.
    expect(JSON.stringify(harness.logs)).not.toContain(harness.socket.connections[0]!.ticket);
  });
});

describe('Socket Mode slash command', () => {
  it('replies in the ack', async () => {
    const harness = await startHarness();
    harness.slackApi.setUser('U0USER001', { tz: 'Europe/Berlin' });

    const ack = await harness.socket.deliver('slash_commands', commandPayload(harness, 'list'));

    expect(harness.commands.runs.map((run) => run.text)).toEqual(['list']);
    const { ctx } = harness.commands.runs[0]!;
    expect(ctx.teamId).toBe('slack:T0TEAM001');
    expect(ctx.userId).toBe('U0USER001');
    expect(ctx.channelId).toBe('C0CHAN001');
    expect(ctx.userTimezone).toBe('Europe/Berlin');
    expect(ack.payload?.response_type).toBe('ephemeral');
    expect(ack.payload?.text).toBe(replyFor('list').summary);
    const blocks = ack.payload?.blocks as { text?: { text: string } }[];
    expect(blocks.map((block) => block.text?.text)).toContain('*Result*\nYou typed list');
    expect(harness.slackApi.postsTo('r1')).toHaveLength(0);
  });

  it('sends a slow reply through response_url', async () => {
    const harness = await startHarness();
    harness.commands.runDelayMs = 3500;

    const sentAt = performance.now();
    const ack = await harness.socket.deliver(
      'slash_commands',
      commandPayload(harness, 'new x', 'slow'),
    );

    // Slack shows the user an error when the ack takes more than 3 s.
    expect(ack.receivedAt - sentAt).toBeLessThan(3000);
    expect(ack.payload?.text).toMatch(/Working on it/);
    expect(harness.commands.runs[0]!.finishedAt).toBeNull();
    await harness.slackApi.waitFor(() => harness.slackApi.postsTo('slow').length > 0, 5000);
    const [post] = harness.slackApi.postsTo('slow');
    expect(post!.body.response_type).toBe('ephemeral');
    expect(post!.body.text).toBe(replyFor('new x').summary);
    expect(post!.body.blocks).toEqual(expect.any(Array));
  });

  it('runs a repeated envelope once', async () => {
    const harness = await startHarness();
    const payload = commandPayload(harness, 'pause backup');

    const first = await harness.socket.deliver('slash_commands', payload);
    const retry = await harness.socket.deliver('slash_commands', payload, { retryAttempt: 1 });

    expect(harness.commands.runs).toHaveLength(1);
    expect(retry.payload).toEqual(first.payload);
  });
});

describe('Socket Mode button press', () => {
  const REJECTED: ReplyView = {
    summary: 'This alert belongs to another workspace.',
    sections: [{ title: null, lines: ['This alert belongs to another workspace.'], code: null }],
    isError: true,
  };

  it('acks, then passes the press to the core', async () => {
    const harness = await startHarness();
    harness.commands.pressReply = REJECTED;
    const payload = buttonPressPayload({
      actionId: 'drumbeat:silence_1h',
      value: 'mon-7:inc-3',
      userId: 'U0PRESSER',
      channelId: 'C0ALERTS1',
      responseUrl: harness.slackApi.responseUrl('press'),
    });

    const ack = await harness.socket.deliver('interactive', payload);

    expect(ack.payload).toEqual({});
    await harness.slackApi.waitFor(() => harness.commands.presses.length > 0);
    const [press] = harness.commands.presses;
    expect(press!.action).toBe('silence_1h');
    expect(press!.value).toBe('mon-7:inc-3');
    expect(press!.ctx.userId).toBe('U0PRESSER');
    expect(press!.ctx.channelId).toBe('C0ALERTS1');
    await harness.slackApi.waitFor(() => harness.slackApi.postsTo('press').length > 0);
    const [post] = harness.slackApi.postsTo('press');
    expect(post!.body.replace_original).toBe(false);
    expect(post!.body.text).toBe(':warning: This alert belongs to another workspace.');
  });

  it('acks an Events API envelope', async () => {
    const harness = await startHarness();
    const payload = {
      type: 'event_callback',
      team_id: 'T0TEAM001',
      api_app_id: 'A0APP0001',
      event_id: 'Ev0EVENT01',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U0USER001', channel: 'D0DIRECT1', tab: 'home' },
    };

    const ack = await harness.socket.deliver('events_api', payload);

    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(harness.commands.runs).toHaveLength(0);
    expect(harness.commands.presses).toHaveLength(0);
  });
});

describe('Socket Mode reconnect', () => {
  it('reconnects after Slack sends disconnect', async () => {
    const harness = await startHarness();

    const first = harness.socket.requestDisconnect();
    expect(await harness.socket.waitForClose(first)).toBe(1000);
    const second = await harness.socket.waitForConnection(2);

    expect(second.ticket).not.toBe(first.ticket);
    expect(harness.socket.rejectedUpgrades).toBe(0);
    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(2);
    expect(logged(harness, 'Slack Socket Mode connection closed; reconnecting')).toHaveLength(1);
    const ack = await harness.socket.deliver('slash_commands', commandPayload(harness, 'list'));
    expect(ack.payload?.text).toBe(replyFor('list').summary);
  });

  it('retries a failed reconnect with backoff', async () => {
    const harness = await startHarness();
    harness.slackApi.failNext('apps.connections.open', {
      kind: 'slack_error',
      error: 'ratelimited',
    });

    harness.socket.requestDisconnect();
    await harness.slackApi.waitFor(
      () => harness.slackApi.callsTo('apps.connections.open').length === 2,
    );
    await harness.socket.waitForConnection(2, 3000);

    const retries = logged(harness, 'Slack Socket Mode connection failed; retrying');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.attempt).toBe(1);
    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(3);
  });

  it('stops reconnecting when the token is revoked', async () => {
    const harness = await startHarness();
    harness.slackApi.failNext('apps.connections.open', {
      kind: 'slack_error',
      error: 'invalid_auth',
    });

    harness.socket.requestDisconnect();
    await harness.slackApi.waitFor(
      () => harness.slackApi.callsTo('apps.connections.open').length === 2,
    );
    await sleep(1500);

    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(2);
    const stopped = logged(
      harness,
      'Slack rejected the Socket Mode connection, so Slack commands stop until a restart',
    );
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.level).toBe(50);
    expect(JSON.stringify(stopped[0]!.err)).toContain('SLACK_APP_TOKEN (invalid_auth)');
  });
});

describe('Socket Mode stop', () => {
  it('closes the connection and stays closed', async () => {
    const harness = await startHarness();
    const [connection] = harness.socket.openConnections;

    await harness.slack.stop();
    await harness.slack.stop();

    expect(await harness.socket.waitForClose(connection!)).toBe(1000);
    expect(logged(harness, 'Slack Socket Mode disconnected')).toHaveLength(1);
    await sleep(300);
    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(1);
    expect(harness.socket.openConnections).toHaveLength(0);
  });

  it('stops a retry that is waiting', async () => {
    const harness = await createHarness();
    harness.slackApi.failNext('apps.connections.open', { kind: 'http_error', status: 503 });
    await harness.slack.start();

    await harness.slack.stop();
    await sleep(1500);

    expect(harness.slackApi.callsTo('apps.connections.open')).toHaveLength(1);
    expect(harness.socket.connections).toHaveLength(0);
  });
});

describe('chat platforms in Socket Mode', () => {
  it('connects and mounts no route', async () => {
    const slackApi = await SlackApiStandIn.start();
    const socket = await SlackSocketStandIn.start(slackApi);
    const { logger } = captureLogs();
    try {
      const platforms = await mountChatPlatforms({
        config: loadConfig({
          SLACK_BOT_TOKEN: slackApi.identity.token,
          SLACK_APP_TOKEN: socket.appToken,
          SLACK_API_URL: slackApi.apiUrl,
        }),
        core: new RecordingCommands(),
        logger,
        clock: Date.now,
        // Only the Discord front end reads the stores.
        store: {} as MonitorStore,
        teams: {} as TeamStore,
      });

      expect(platforms.routers).toHaveLength(0);
      expect(platforms.notifiers.map((notifier) => notifier.platform)).toEqual(['slack']);
      const [connection] = socket.openConnections;
      expect(connection).toBeDefined();

      await platforms.stop();
      expect(await socket.waitForClose(connection!)).toBe(1000);
    } finally {
      await socket.close();
      await slackApi.close();
    }
  });
});
