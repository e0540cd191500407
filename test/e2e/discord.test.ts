// The whole heartbeat loop, from a Discord server's side: the real service in a child process,
// a stand-in of Discord's REST API on loopback, interactions signed with a test Ed25519 key
// pair as Discord signs them, and real pings.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../src/store/keys.js';
import { DiscordApiStandIn, type StoredMessage } from '../support/discord-api.js';
import {
  type Actor,
  buttonPayload,
  commandPayload,
  generateTestKeyPair,
  type InteractionResponse,
  type OptionValues,
  pingPayload,
  postInteraction,
  type TestKeyPair,
} from '../support/discord-signing.js';
import { connectTestRedis, waitFor } from '../support/redis.js';
import { ServiceProcess } from '../support/service.js';

const CHANNEL_ID = '910000000000000101';
const OWNER: Omit<Actor, 'applicationId'> = {
  guildId: '900000000000000101',
  channelId: CHANNEL_ID,
  userId: '920000000000000101',
};
const TEAMMATE_ID = '920000000000000102';
const OUTSIDER: Omit<Actor, 'applicationId'> = {
  guildId: '900000000000000202',
  channelId: '910000000000000202',
  userId: '920000000000000202',
};

let api: DiscordApiStandIn;
let keys: TestKeyPair;
let service: ServiceProcess;

beforeAll(async () => {
  api = await DiscordApiStandIn.start();
  api.addChannel(CHANNEL_ID);
  keys = generateTestKeyPair();
  service = await ServiceProcess.start({
    DISCORD_APPLICATION_ID: api.identity.applicationId,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_BOT_TOKEN: api.identity.botToken,
    DISCORD_API_URL: api.apiUrl,
  });
}, 30_000);

afterAll(async () => {
  await service?.destroy();
  await api?.close();
});

const interactionsUrl = () => `${service.baseUrl}/discord/interactions`;
const actor = (who: Omit<Actor, 'applicationId'>): Actor => ({
  ...who,
  applicationId: api.identity.applicationId,
});

async function send(payload: { token: string }): Promise<InteractionResponse> {
  api.registerInteraction(payload);
  return postInteraction(interactionsUrl(), keys, payload);
}

/** Runs `/drumbeat <subcommand>` and returns the reply's text, also when it was deferred. */
async function command(
  subcommand: string,
  options: OptionValues = {},
  who = OWNER,
): Promise<string> {
  const payload = commandPayload(actor(who), subcommand, options);
  const response = await send(payload);
  expect(response.status).toBe(200);
  if (response.body?.type === 4) return JSON.stringify(response.body.data);
  expect(response.body?.type).toBe(5);
  await api.waitFor(() => api.originalEdits(payload.token).length > 0, 10_000, 'deferred reply');
  return JSON.stringify(api.originalEdits(payload.token)[0]);
}

function alerts(): StoredMessage[] {
  return api.messagesIn(CHANNEL_ID).filter((message) => message.replyTo === null);
}

function alertFor(name: string): StoredMessage | undefined {
  return alerts().find((message) => (message.content ?? '').includes(name));
}

function customIdOf(message: StoredMessage, action: string): string {
  const rows = message.components as { components: { custom_id: string }[] }[];
  const button = rows
    .flatMap((row) => row.components)
    .find((item) => item.custom_id.includes(`:${action}:`));
  if (button === undefined) throw new Error(`no ${action} button on the message`);
  return button.custom_id;
}

describe('heartbeat loop in Discord', () => {
  let pingUrl: string;

  it('answers PING with PONG', async () => {
    const response = await postInteraction(
      interactionsUrl(),
      keys,
      pingPayload(api.identity.applicationId),
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ type: 1 });
  });

  it('rejects a bad signature with 401', async () => {
    const response = await postInteraction(
      interactionsUrl(),
      generateTestKeyPair(),
      commandPayload(actor(OWNER), 'list'),
    );

    expect(response.status).toBe(401);
  });

  it('rejects a stale timestamp with 401', async () => {
    const stale = Math.floor(Date.now() / 1000) - 301;
    const response = await postInteraction(
      interactionsUrl(),
      keys,
      commandPayload(actor(OWNER), 'list'),
      {
        timestampSec: stale,
      },
    );

    expect(response.status).toBe(401);
  });

  it('creates a monitor from the new command', async () => {
    const text = await command('new', {
      name: 'nightly-invoices',
      schedule: 'every 2 seconds',
      grace: '1 second',
      channel: CHANNEL_ID,
    });

    expect(text).toContain('Created monitor nightly-invoices');
    expect(text).toContain(`<#${CHANNEL_ID}>`);
    const match = /http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}/.exec(text);
    if (match === null) throw new Error(`no ping URL in the reply: ${text}`);
    pingUrl = match[0];
  });

  it('stores a real ping and posts nothing while on time', async () => {
    const response = await fetch(pingUrl);

    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(alertFor('nightly-invoices')).toBeUndefined();
  });

  it('posts one alert with buttons, edited from late to missed', async () => {
    const late = await waitFor(() => alertFor('nightly-invoices'), 8000, 'late alert');
    const first = late.edits[0] ?? late;
    expect(first.content).toContain('is late');
    expect(JSON.stringify(late.components)).toContain('drumbeat:acknowledge:');

    await waitFor(
      () => ((alertFor('nightly-invoices')?.content ?? '').includes('missed') ? true : undefined),
      8000,
      'missed edit',
    );
    const message = alertFor('nightly-invoices')!;
    expect(alerts().filter((m) => (m.content ?? '').includes('nightly-invoices'))).toHaveLength(1);
    expect(message.edits.length).toBeGreaterThanOrEqual(1);
    expect(customIdOf(message, 'acknowledge')).toMatch(/^drumbeat:acknowledge:[a-z2-7]{16}:/);
    expect(
      api.callsTo('PATCH', `/channels/${CHANNEL_ID}/messages/${message.id}`).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it('edits the alert in place when a teammate acknowledges it', async () => {
    const message = alertFor('nightly-invoices')!;
    const payload = buttonPayload(
      actor({ ...OWNER, userId: TEAMMATE_ID }),
      customIdOf(message, 'acknowledge'),
      message.id,
    );
    const response = await send(payload);

    expect(response.status).toBe(200);
    expect(response.body?.type).toBe(7);
    const update = JSON.stringify(response.body?.data);
    expect(update).toContain(`Acknowledged by <@${TEAMMATE_ID}>`);
    expect(update).not.toContain('drumbeat:acknowledge:');
    // The notification worker edits the same message with the bot token as well.
    await waitFor(
      () =>
        JSON.stringify(alertFor('nightly-invoices')?.embeds).includes(`<@${TEAMMATE_ID}>`)
          ? true
          : undefined,
      8000,
      'acknowledged edit',
    );
    expect(alerts().filter((m) => (m.content ?? '').includes('nightly-invoices'))).toHaveLength(1);
  });

  it('refuses a button press from another guild', async () => {
    const message = alertFor('nightly-invoices')!;
    const payload = buttonPayload(actor(OUTSIDER), customIdOf(message, 'pause'), message.id);
    const response = await send(payload);

    expect(response.status).toBe(200);
    expect(response.body?.type).toBe(4);
    expect(response.body?.data?.flags).toBe(64);
    expect(JSON.stringify(response.body?.data)).toMatch(/another (workspace|server|team)/);
    const status = await command('status', { name: 'nightly-invoices' });
    expect(status).not.toContain('paused');
    const outsiderList = await command('list', {}, OUTSIDER);
    expect(outsiderList).toContain('There are no monitors yet');
  });

  it('edits the alert and replies to it on recovery', async () => {
    expect((await fetch(pingUrl)).status).toBe(200);

    await waitFor(
      () => ((alertFor('nightly-invoices')?.content ?? '').startsWith('✅') ? true : undefined),
      8000,
      'recovery edit',
    );
    const message = alertFor('nightly-invoices')!;
    expect(message.content).toContain('recovered');
    expect(message.components).toEqual([]);
    await waitFor(
      () =>
        api
          .repliesTo(CHANNEL_ID, message.id)
          .some((reply) => (reply.content ?? '').startsWith('Recovered'))
          ? true
          : undefined,
      8000,
      'reply to the alert',
    );
    expect(alerts().filter((m) => (m.content ?? '').includes('nightly-invoices'))).toHaveLength(1);
    await command('pause', { name: 'nightly-invoices' });
  });
});

describe('examples in Discord replies', () => {
  /** Returns the commands that a reply's embeds show as inline code, one to a line, in order. */
  function suggestedCommands(reply: string): string[] {
    const data = JSON.parse(reply) as { embeds?: { description?: string }[] };
    const lines = (data.embeds ?? []).flatMap((embed) => (embed.description ?? '').split('\n'));
    return lines.flatMap((line) => {
      const code = /^(?:Try: )?`([^`]+)`$/.exec(line)?.[1];
      return code === undefined ? [] : [code];
    });
  }

  /** Reads the options of a suggested command, such as `name:backup schedule:every day`. */
  function optionsOf(
    suggested: string,
    subcommand: string,
    names: string[],
  ): Record<string, string> {
    const prefix = `/drumbeat ${subcommand} `;
    expect(suggested.startsWith(prefix)).toBe(true);
    const pattern = new RegExp(`(?:^| )(${names.join('|')}):`, 'g');
    const text = suggested.slice(prefix.length);
    const starts = [...text.matchAll(pattern)];
    const options: Record<string, string> = {};
    for (const [index, match] of starts.entries()) {
      const end = starts[index + 1]?.index ?? text.length;
      options[match[1]!] = text.slice(match.index + match[0].length, end);
    }
    return options;
  }

  it('gives silence examples as options', async () => {
    await command('new', { name: 'report-sync', schedule: 'every 1 hour' });
    const reply = await command('silence', { name: 'report-sync', how_long: 'blah' });

    const commands = suggestedCommands(reply);
    expect(commands).toEqual([
      '/drumbeat silence name:report-sync how_long:2 hours',
      '/drumbeat silence name:report-sync how_long:90m',
    ]);
    for (const suggested of commands) {
      const options = optionsOf(suggested, 'silence', ['name', 'how_long']);
      const tried = await command('silence', options);
      expect(tried).toContain('report-sync is silenced until');
    }
  });

  it('gives zone examples as options', async () => {
    const reply = await command('timezone', { zone: 'Mars/Olympus' }, OUTSIDER);

    const commands = suggestedCommands(reply);
    expect(commands).toEqual([
      '/drumbeat timezone zone:Europe/Berlin',
      '/drumbeat timezone zone:America/New_York',
      '/drumbeat timezone zone:UTC',
    ]);
    for (const suggested of commands) {
      const options = optionsOf(suggested, 'timezone', ['zone']);
      const tried = await command('timezone', options, OUTSIDER);
      const zone = (options.zone ?? '').replaceAll('_', '\\\\_');
      expect(tried).toContain(`This team's zone is now ${zone}`);
    }
  });

  it('gives a whole new command for a bad zone', async () => {
    const reply = await command('new', { name: 'report-copy', schedule: 'every day tz Berlinn' });

    const commands = suggestedCommands(reply);
    expect(commands).toEqual([
      '/drumbeat new name:report-copy schedule:every day tz Europe/Berlin',
      '/drumbeat new name:report-copy schedule:every day tz America/New_York',
      '/drumbeat new name:report-copy schedule:every day tz UTC',
    ]);
    // Each monitor is deleted, so that the next example can use the name.
    for (const suggested of commands) {
      const options = optionsOf(suggested, 'new', ['name', 'schedule']);
      const tried = await command('new', options);
      expect(tried).toContain('Created monitor report-copy');
      await command('delete', { name: 'report-copy' });
    }
  });
});

describe('ping key in Discord', () => {
  const KEY_OWNER: Omit<Actor, 'applicationId'> = {
    guildId: '900000000000000303',
    channelId: '910000000000000303',
    userId: '920000000000000303',
  };
  let redis: Redis;

  beforeAll(() => {
    api.addChannel(KEY_OWNER.channelId);
    redis = connectTestRedis();
  });

  afterAll(async () => {
    await redis?.quit();
  });

  /** Runs `/drumbeat pingkey` and returns the reply's text, after checking that it is ephemeral. */
  async function pingKeyReply(who = KEY_OWNER): Promise<string> {
    const payload = commandPayload(actor(who), 'pingkey');
    const response = await send(payload);
    expect(response.status).toBe(200);
    expect(response.body?.data?.flags).toBe(64);
    if (response.body?.type === 4) return JSON.stringify(response.body.data);
    expect(response.body?.type).toBe(5);
    await api.waitFor(() => api.originalEdits(payload.token).length > 0, 10_000, 'deferred reply');
    return JSON.stringify(api.originalEdits(payload.token)[0]);
  }

  /** Returns the URL of a ping by name up to the key, as the reply shows it before `/<name>`. */
  function byNameBase(reply: string): string {
    const match = /(http:\/\/127\.0\.0\.1:\d+\/ping\/[A-Za-z0-9_-]+)\/<name>/.exec(reply);
    if (match === null) throw new Error(`no ping URL by name in the reply: ${reply}`);
    return match[1]!;
  }

  /** Returns the URL of the reply's curl line, from the code block of its embed. */
  function curlUrl(reply: string): string {
    const data = JSON.parse(reply) as { embeds?: { description?: string }[] };
    const text = (data.embeds ?? []).map((embed) => embed.description ?? '').join('\n');
    const match = /```\ncurl -fsS -m 10 --retry 5 --retry-connrefused (\S+)\n```/.exec(text);
    if (match === null) throw new Error(`no curl line in the reply: ${reply}`);
    return match[1]!;
  }

  it('shows the stored key to the user only', async () => {
    const reply = await pingKeyReply();

    const stored = await redis.hget(
      new Keys(service.keyPrefix).teamSettings(`discord:${KEY_OWNER.guildId}`),
      'pingKey',
    );
    expect(stored).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(byNameBase(reply)).toBe(`${service.baseUrl}/ping/${stored}`);
    expect(reply).toContain('Keep it secret');
    expect(byNameBase(await pingKeyReply())).toBe(`${service.baseUrl}/ping/${stored}`);
    expect(byNameBase(await pingKeyReply(OUTSIDER))).not.toBe(byNameBase(reply));
  });

  it('shows a placeholder without monitors', async () => {
    const reply = await pingKeyReply();

    expect(curlUrl(reply)).toBe(`${byNameBase(reply)}/<name>`);
    expect(reply).toContain('This team has no monitors yet');
  });

  it('pings the monitor of the curl line', async () => {
    for (const name of ['zeta-sync', 'db-backup']) {
      await command(
        'new',
        { name, schedule: 'every 1 day', channel: KEY_OWNER.channelId },
        KEY_OWNER,
      );
    }
    const reply = await pingKeyReply();
    const url = curlUrl(reply);

    expect(url).toBe(`${byNameBase(reply)}/db-backup`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
    const status = await command('status', { name: 'db-backup' }, KEY_OWNER);
    expect(status).toContain('State: up');
    expect(status).not.toContain('Last ping: never');
    const other = await command('status', { name: 'zeta-sync' }, KEY_OWNER);
    expect(other).toContain('Last ping: never');
  });

  it('creates a monitor from a ping with ?create=1', async () => {
    const base = byNameBase(await pingKeyReply());

    const response = await fetch(`${base}/made-by-ping?create=1`);

    expect(response.status).toBe(200);
    const list = await command('list', {}, KEY_OWNER);
    expect(list).toContain('made-by-ping: up');
  });
});

describe('alert delivery in Discord', () => {
  const DELIVERY: Omit<Actor, 'applicationId'> = {
    guildId: '900000000000000404',
    channelId: '910000000000000404',
    userId: '920000000000000404',
  };
  const messagesPath = `/channels/${DELIVERY.channelId}/messages`;

  beforeAll(() => {
    api.addChannel(DELIVERY.channelId);
  });

  it('retries a post answered without an id', { timeout: 30_000 }, async () => {
    const created = await command(
      'new',
      { name: 'id-less', schedule: 'every 1 day', channel: DELIVERY.channelId },
      DELIVERY,
    );
    const match = /http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}/.exec(created);
    if (match === null) throw new Error(`no ping URL in the reply: ${created}`);
    const pingUrl = match[0];
    api.failNext('POST', messagesPath, {
      kind: 'rewrite_answer',
      rewrite: (body) => ({ ...(body as object), id: undefined }),
    });

    expect((await fetch(`${pingUrl}/fail`, { method: 'POST', body: 'disk full' })).status).toBe(
      200,
    );
    await api.waitFor(() => api.callsTo('POST', messagesPath).length >= 2, 15_000, 'retry');
    expect((await fetch(pingUrl)).status).toBe(200);
    const alert = await waitFor(
      () => api.messagesIn(DELIVERY.channelId).find((m) => (m.content ?? '').startsWith('✅')),
      15_000,
      'recovery edit',
    );

    expect(alert.content).toContain('id-less recovered');
    expect(api.messagesIn(DELIVERY.channelId).filter((m) => m.replyTo === null)).toHaveLength(1);
    expect(api.callsTo('PATCH', `${messagesPath}/${alert.id}`).length).toBeGreaterThanOrEqual(1);
    expect(api.callsTo('PATCH', /\/messages\/(?!\d+$)/)).toHaveLength(0);
    await waitFor(
      () => (api.repliesTo(DELIVERY.channelId, alert.id).length > 0 ? true : undefined),
      15_000,
      'reply to the alert',
    );
    const retried = service.logs.filter((line) =>
      JSON.stringify(line).includes(
        `Discord responded to POST ${messagesPath} without a message id`,
      ),
    );
    expect(retried.length).toBeGreaterThanOrEqual(1);
  });
});
