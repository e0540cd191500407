// The whole heartbeat loop, as a Slack team sees it: the real service in a child process, a
// stand-in of the Slack Web API on loopback, signed requests as Slack sends them, real pings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/redis.js';
import { ServiceProcess } from '../support/service.js';
import {
  SlackApiStandIn,
  type SlackApiStandIn as StandIn,
  type StoredMessage,
} from '../support/slack-api.js';
import {
  buttonPressPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
} from '../support/slack-signing.js';

const SIGNING_SECRET = 'e2e-signing-secret';
const BOT_TOKEN = 'xoxb-e2e-bot-token';
const TEAM = 'T0OWNER01';
const OUTSIDER_TEAM = 'T0OUTSIDE';
const CHANNEL = 'C0ALERTS1';

let slack: StandIn;
let service: ServiceProcess;

beforeAll(async () => {
  slack = await SlackApiStandIn.start({ token: BOT_TOKEN, teamId: TEAM });
  service = await ServiceProcess.start({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
  });
}, 30_000);

afterAll(async () => {
  await service?.destroy();
  await slack?.close();
});

interface CommandReply {
  status: number;
  elapsedMs: number;
  body: { response_type?: string; text?: string; blocks?: unknown[] };
}

async function command(
  text: string,
  options: { team?: string; user?: string } = {},
): Promise<CommandReply> {
  const body = slashCommandBody({
    text,
    teamId: options.team ?? TEAM,
    userId: options.user ?? 'U0OWNER01',
    channelId: CHANNEL,
    responseUrl: slack.responseUrl(`cmd-${Math.random().toString(36).slice(2)}`),
  });
  const response = await postSigned(`${service.baseUrl}/slack/events`, SIGNING_SECRET, body);
  return {
    status: response.status,
    elapsedMs: response.elapsedMs,
    body: JSON.parse(response.text || '{}'),
  };
}

function replyText(reply: CommandReply): string {
  return `${reply.body.text ?? ''}\n${JSON.stringify(reply.body.blocks ?? [])}`;
}

/** Returns the lines of a reply's blocks. */
function blockLines(reply: CommandReply): string[] {
  const blocks = (reply.body.blocks ?? []) as { text?: { text?: string } }[];
  return blocks.flatMap((block) => (block.text?.text ?? '').split('\n'));
}

/** Returns the commands that a reply shows as inline code, one to a line, in order. */
function suggestedCommandsOf(reply: CommandReply): string[] {
  return blockLines(reply).flatMap((line) => {
    const code = /^(?:Try: )?`([^`]+)`$/.exec(line)?.[1];
    if (code === undefined) return [];
    return [code.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')];
  });
}

function pingUrlOf(reply: CommandReply): string {
  const match = /http:\/\/127\.0\.0\.1:\d+\/ping\/[0-9a-f-]{36}/.exec(replyText(reply));
  if (!match) throw new Error(`no ping URL in the reply: ${replyText(reply)}`);
  return match[0];
}

function buttonValue(message: StoredMessage, actionId: string): string {
  const blocks = (message.blocks ?? []) as {
    type: string;
    elements?: { action_id?: string; value?: string }[];
  }[];
  for (const block of blocks) {
    for (const element of block.elements ?? []) {
      if (element.action_id === actionId && element.value) return element.value;
    }
  }
  throw new Error(`no ${actionId} button on the message`);
}

function messageFor(name: string): StoredMessage | undefined {
  return slack.messagesIn(CHANNEL).find((message) => (message.text ?? '').includes(name));
}

async function press(message: StoredMessage, actionId: string, user: string, team = TEAM) {
  const payload = buttonPressPayload({
    actionId,
    value: buttonValue(message, actionId),
    teamId: team,
    userId: user,
    channelId: CHANNEL,
    messageTs: message.ts,
    responseUrl: slack.responseUrl(`press-${Math.random().toString(36).slice(2)}`),
  });
  return postSigned(`${service.baseUrl}/slack/events`, SIGNING_SECRET, interactionBody(payload));
}

describe('heartbeat loop in Slack', () => {
  let pingUrl: string;

  it('creates a monitor and replies within 3 seconds', async () => {
    const reply = await command('new nightly-invoices every 2 seconds grace 1s');
    expect(reply.status).toBe(200);
    expect(reply.elapsedMs).toBeLessThan(3000);
    expect(reply.body.response_type).toBe('ephemeral');
    const text = replyText(reply);
    expect(text).toContain('nightly-invoices');
    expect(text).toMatch(/Schedule: every 2 seconds/);
    expect(text).toContain('curl -fsS -m 10 --retry 5 --retry-connrefused http://127.0.0.1:');
    pingUrl = pingUrlOf(reply);
  });

  it('stores a ping and posts nothing while on time', async () => {
    const response = await fetch(pingUrl);
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(messageFor('nightly-invoices')).toBeUndefined();
  });

  it('posts a late alert, then edits it to missed in place', async () => {
    const late = await waitFor(() => messageFor('nightly-invoices'), 8000, 'late alert');
    expect(late.edits.length === 0 ? late.text : late.edits[0]?.text).toContain('is late');
    expect(JSON.stringify(late.blocks)).toContain('drumbeat:acknowledge');
    await waitFor(
      () => ((messageFor('nightly-invoices')?.text ?? '').includes('missed') ? true : undefined),
      8000,
      'missed edit',
    );
    const alerts = slack
      .messagesIn(CHANNEL)
      .filter((message) => (message.text ?? '').includes('nightly-invoices'));
    expect(alerts).toHaveLength(1);
  });

  it('edits the alert when a teammate acknowledges it', async () => {
    const message = messageFor('nightly-invoices')!;
    const response = await press(message, 'drumbeat:acknowledge', 'U0MATE001');
    expect(response.status).toBe(200);
    await waitFor(
      () =>
        (messageFor('nightly-invoices')?.text ?? '').includes('<@U0MATE001>') ? true : undefined,
      8000,
      'acknowledged edit',
    );
    expect(messageFor('nightly-invoices')?.text).toMatch(/Acknowledged by <@U0MATE001>/);
  });

  it('refuses a button press from another workspace', async () => {
    const message = messageFor('nightly-invoices')!;
    const before = message.edits.length;
    const response = await press(message, 'drumbeat:pause', 'U0STRANGE', OUTSIDER_TEAM);
    expect(response.status).toBe(200);
    await waitFor(
      () =>
        slack.responsePosts.find((post) => JSON.stringify(post.body).includes('another workspace')),
      5000,
      'refusal',
    );
    const status = await command('status nightly-invoices');
    expect(replyText(status)).not.toContain('paused');
    expect(messageFor('nightly-invoices')!.edits.length).toBeGreaterThanOrEqual(before);
  });

  it('edits the alert and replies in its thread on recovery', async () => {
    expect((await fetch(pingUrl)).status).toBe(200);
    await waitFor(
      () => ((messageFor('nightly-invoices')?.text ?? '').includes('recovered') ? true : undefined),
      8000,
      'recovery edit',
    );
    const message = messageFor('nightly-invoices')!;
    expect(JSON.stringify(message.blocks)).not.toContain('drumbeat:acknowledge');
    await waitFor(
      () =>
        message.replies.some((reply) => (reply.text ?? '').startsWith('Recovered'))
          ? true
          : undefined,
      8000,
      'thread reply',
    );
    const alerts = slack
      .messagesIn(CHANNEL)
      .filter((m) => (m.text ?? '').includes('nightly-invoices'));
    expect(alerts).toHaveLength(1);
    // Stop the monitor so the rest of the file sees no more of its alerts.
    await command('pause nightly-invoices');
  });

  it('posts a failed alert with the exit status and the body', async () => {
    const reply = await command('new invoice-export every 1 hour');
    const url = pingUrlOf(reply);
    const response = await fetch(`${url}/2`, { method: 'POST', body: 'disk full on /var' });
    expect(response.status).toBe(200);
    const message = await waitFor(() => messageFor('invoice-export'), 8000, 'failed alert');
    expect(message.text).toContain('failed with exit status 2');
    expect(JSON.stringify(message.blocks)).toContain('disk full on /var');
  });

  // `>` in Windows PowerShell 5.1 writes UTF-16LE with a byte order mark.
  it('posts UTF-16 output as text', async () => {
    const reply = await command('new windows-backup every 1 hour');
    const url = pingUrlOf(reply);
    const output = 'robocopy: ERROR 112 (0x00000070)\r\nThere is not enough space on the disk.\r\n';
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(output, 'utf16le')]);
    const response = await fetch(`${url}/fail`, { method: 'POST', body });
    expect(response.status).toBe(200);
    const message = await waitFor(() => messageFor('windows-backup'), 8000, 'failed alert');
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain(
      '```\\nrobocopy: ERROR 112 (0x00000070)\\nThere is not enough space on the disk.\\n',
    );
    expect(blocks).not.toContain('\uFFFD');
  });

  it('posts a hung alert past the maximum run time', async () => {
    const reply = await command('new ledger-close every 1 hour max runtime 2s');
    const url = pingUrlOf(reply);
    await fetch(url);
    await fetch(`${url}/start`);
    const message = await waitFor(() => messageFor('ledger-close'), 8000, 'hung alert');
    expect(message.text).toContain('is hung');
    expect(message.text).toContain('Running since');
  });

  it('answers an unknown command and an unknown monitor helpfully', async () => {
    const unknown = await command('frobnicate backup');
    expect(unknown.status).toBe(200);
    expect(replyText(unknown)).toContain('"frobnicate" is not a Drumbeat command');
    expect(replyText(unknown)).toContain('Try: `/drumbeat help`');
    expect(replyText(unknown)).not.toContain('lists them all');
    const missing = await command('status no-such-job');
    expect(replyText(missing)).toContain('There is no monitor named "no-such-job"');
    expect(replyText(missing)).toContain('Try: `/drumbeat list`');
    expect(replyText(missing)).not.toContain('shows the monitors');
  });

  it('quotes a wrong digest time as typed', async () => {
    const reply = await command('digest weekly friday 25 pm');
    expect(reply.status).toBe(200);
    expect(replyText(reply)).toContain('"25 pm" is not a time of day');
    expect(replyText(reply)).not.toContain('25pm');
  });

  it('keeps teams apart in list', async () => {
    const outsider = await command('list', { team: OUTSIDER_TEAM, user: 'U0STRANGE' });
    expect(replyText(outsider)).toContain('There are no monitors yet');
    const owner = await command('list');
    expect(replyText(owner)).toContain('nightly-invoices');
  });
});

describe('examples in Slack replies', () => {
  beforeAll(async () => {
    await command('new report-sync every 1 hour');
  });

  // The timezone examples run in the other team, so that this team keeps its zone. Each
  // monitor an example creates is deleted, so that the next example can use the name.
  it.each([
    [
      'silence report-sync for',
      [
        '/drumbeat silence report-sync for 2 hours',
        '/drumbeat silence report-sync until tomorrow 9am',
        '/drumbeat silence report-sync until monday',
      ],
      TEAM,
    ],
    [
      'new report-copy every day tz Berlinn',
      [
        '/drumbeat new report-copy every day tz Europe/Berlin',
        '/drumbeat new report-copy every day tz America/New_York',
        '/drumbeat new report-copy every day tz UTC',
      ],
      TEAM,
    ],
    ['new report-copy every dya', ['/drumbeat new report-copy every day'], TEAM],
    [
      'timezone Mars/Olympus',
      [
        '/drumbeat timezone Europe/Berlin',
        '/drumbeat timezone America/New_York',
        '/drumbeat timezone UTC',
      ],
      OUTSIDER_TEAM,
    ],
  ])('gives whole commands for %j', async (text, commands, team) => {
    const reply = await command(text, { team });

    expect(reply.status).toBe(200);
    expect(suggestedCommandsOf(reply)).toEqual(commands);
    expect(blockLines(reply).includes('Try one of these:')).toBe(commands.length > 1);
    for (const suggested of commands) {
      const answer = replyText(await command(suggested.slice('/drumbeat '.length), { team }));
      expect(answer).not.toContain(':warning:');
      if (suggested.startsWith('/drumbeat new ')) await command('delete report-copy', { team });
    }
  });
});

describe('ping key in Slack', () => {
  const KEY_TEAM = 'T0PINGKEY';

  /** Returns the URL of the reply's curl line, as its code block shows it in mrkdwn. */
  function curlUrlOf(reply: CommandReply): string {
    const blocks = (reply.body.blocks ?? []) as { text?: { text?: string } }[];
    const text = blocks.map((block) => block.text?.text ?? '').join('\n');
    const match = /```\ncurl -fsS -m 10 --retry 5 --retry-connrefused (\S+)\n```/.exec(text);
    if (match === null) throw new Error(`no curl line in the reply: ${replyText(reply)}`);
    return match[1]!;
  }

  it('shows a placeholder without monitors', async () => {
    const reply = await command('pingkey', { team: KEY_TEAM });

    expect(reply.status).toBe(200);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(curlUrlOf(reply)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/ping\/[A-Za-z0-9_-]{22}\/&lt;name&gt;$/,
    );
    expect(replyText(reply)).toContain('This team has no monitors yet');
  });

  it('pings the monitor of the curl line', async () => {
    await command('new zeta-sync every 1 day', { team: KEY_TEAM });
    await command('new db-backup every 1 day', { team: KEY_TEAM });
    const reply = await command('pingkey', { team: KEY_TEAM });
    const url = curlUrlOf(reply);

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ping\/[A-Za-z0-9_-]{22}\/db-backup$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const status = replyText(await command('status db-backup', { team: KEY_TEAM }));
    expect(status).toContain('State: up');
    expect(status).not.toContain('Last ping: never');
  });
});
