// Requests to /slack/events that Slack did not sign, or signed too long ago or ahead of time,
// are rejected with 401 and change nothing. A delivery Slack repeats (X-Slack-Retry-Num) has
// one effect.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, FaultStack, OWNER, SIGNING_SECRET, TEAM } from '../faults/harness.js';
import { waitFor } from '../support/redis.js';
import {
  buttonPressPayload,
  FORM_CONTENT_TYPE,
  interactionBody,
  nextTriggerId,
  postSigned,
  signedHeaders,
  slashCommandBody,
} from '../support/slack-signing.js';

let stack: FaultStack;
let eventsUrl: string;

beforeAll(async () => {
  stack = await FaultStack.start();
  eventsUrl = `${stack.service.baseUrl}/slack/events`;
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

function createBody(name: string, triggerId = nextTriggerId()): string {
  return slashCommandBody({
    text: `new ${name} every 1 hour`,
    teamId: TEAM,
    userId: OWNER,
    channelId: CHANNEL,
    responseUrl: stack.slack.responseUrl(`sig-${name}`),
    triggerId,
  });
}

async function monitorExists(name: string): Promise<boolean> {
  return (await stack.store.idForName(`slack:${TEAM}`, name)) !== null;
}

const nowSec = () => Math.floor(Date.now() / 1000);

describe('Slack request signatures', () => {
  it('rejects a signature made with another secret', async () => {
    const response = await postSigned(eventsUrl, 'not-the-secret', createBody('sig-wrong'));
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-wrong')).toBe(false);
  });

  it('rejects a request without signature headers', async () => {
    const response = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE },
      body: createBody('sig-missing'),
    });
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-missing')).toBe(false);
  });

  it('rejects a signature without its timestamp', async () => {
    const body = createBody('sig-no-time');
    const headers = signedHeaders(SIGNING_SECRET, body);
    delete headers['x-slack-request-timestamp'];
    const response = await fetch(eventsUrl, { method: 'POST', headers, body });
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-no-time')).toBe(false);
  });

  it('rejects a body changed after signing', async () => {
    const body = createBody('sig-original');
    const headers = signedHeaders(SIGNING_SECRET, body);
    const changed = body.replace('sig-original', 'sig-changed');
    const response = await fetch(eventsUrl, { method: 'POST', headers, body: changed });
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-changed')).toBe(false);
    expect(await monitorExists('sig-original')).toBe(false);
  });

  it('rejects a timestamp 301 s in the past', async () => {
    const body = createBody('sig-past');
    const response = await postSigned(eventsUrl, SIGNING_SECRET, body, {
      timestampSec: nowSec() - 301,
    });
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-past')).toBe(false);
  });

  it('rejects a timestamp 302 s in the future', async () => {
    const body = createBody('sig-future');
    // One second past the edge, because the service may read its clock a whole second later.
    const response = await postSigned(eventsUrl, SIGNING_SECRET, body, {
      timestampSec: nowSec() + 302,
    });
    expect(response.status).toBe(401);
    expect(await monitorExists('sig-future')).toBe(false);
  });

  it('accepts a good signature 290 s old', async () => {
    const body = createBody('sig-good');
    const response = await postSigned(eventsUrl, SIGNING_SECRET, body, {
      timestampSec: nowSec() - 290,
    });
    expect(response.status).toBe(200);
    expect(await monitorExists('sig-good')).toBe(true);
  });
});

describe('repeated Slack deliveries', () => {
  it('runs a repeated command once', async () => {
    const triggerId = nextTriggerId();
    const body = createBody('retry-once', triggerId);
    const first = await postSigned(eventsUrl, SIGNING_SECRET, body);
    const repeat = await postSigned(eventsUrl, SIGNING_SECRET, body, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(first.status).toBe(200);
    expect(repeat.status).toBe(200);
    expect(first.text).toContain('Created monitor retry-once');
    // The repeat gets the first reply, not "exists already" from a second run.
    expect(repeat.text).toBe(first.text);
    const monitors = await stack.store.listTeam(`slack:${TEAM}`);
    expect(monitors.filter((monitor) => monitor.name === 'retry-once')).toHaveLength(1);
  });

  it('takes a repeated button press once', { timeout: 20_000 }, async () => {
    const monitor = await stack.createMonitor('retry-press', 'every 1 hour');
    expect((await fetch(`${monitor.pingUrl}/fail`)).status).toBe(200);
    const alert = await stack.waitForAlert(monitor.id);
    const incidentId = (await stack.monitor(monitor.id)).monitor.incident!.id;
    const payload = buttonPressPayload({
      actionId: 'drumbeat:pause',
      value: `${monitor.id}:${incidentId}`,
      teamId: TEAM,
      userId: OWNER,
      channelId: CHANNEL,
      messageTs: alert.ts,
      responseUrl: stack.slack.responseUrl('retry-press'),
    });
    const body = interactionBody(payload);
    expect((await postSigned(eventsUrl, SIGNING_SECRET, body)).status).toBe(200);
    const retried = await postSigned(eventsUrl, SIGNING_SECRET, body, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retried.status).toBe(200);

    await waitFor(
      async () => ((await stack.monitor(monitor.id)).monitor.state === 'paused' ? true : undefined),
      5000,
      'the pause',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // A second run would send "paused already" through the response URL.
    expect(stack.slack.postsTo('retry-press')).toHaveLength(0);
    const pressLogs = stack.logsMatching(/Ignored a repeated Slack button press/);
    expect(pressLogs).toHaveLength(1);
  });
});
