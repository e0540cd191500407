import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplyView } from '../../../src/bot/views.js';
import { buttonPressPayload, interactionBody, postSigned } from '../../support/slack-signing.js';
import { type Harness, SIGNING_SECRET, startHarness } from './harness.js';

const REJECTED: ReplyView = {
  summary: 'This alert belongs to another workspace.',
  sections: [{ title: null, lines: ['This alert belongs to another workspace.'], code: null }],
  isError: true,
};

describe('alert buttons', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
    harness.slackApi.setUser('U0PRESSER', { tz: 'America/New_York' });
  });

  afterEach(async () => {
    await harness.close();
  });

  function pressBody(fields: Parameters<typeof buttonPressPayload>[0]) {
    return interactionBody(buttonPressPayload(fields));
  }

  it('passes the press to the core', async () => {
    const body = pressBody({
      actionId: 'drumbeat:acknowledge',
      value: 'mon-7:inc-3',
      teamId: 'T0OTHER01',
      userId: 'U0PRESSER',
      channelId: 'C0ALERTS1',
      responseUrl: harness.slackApi.responseUrl('press'),
    });
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    await harness.slackApi.waitFor(() => harness.commands.presses.length > 0);
    const [press] = harness.commands.presses;
    expect(press!.action).toBe('acknowledge');
    expect(press!.value).toBe('mon-7:inc-3');
    expect(press!.ctx.teamId).toBe('slack:T0OTHER01');
    expect(press!.ctx.userId).toBe('U0PRESSER');
    expect(press!.ctx.channelId).toBe('C0ALERTS1');
    expect(press!.ctx.userTimezone).toBe('America/New_York');
  });

  it('maps each button to its action', async () => {
    for (const actionId of ['drumbeat:silence_1h', 'drumbeat:pause']) {
      const body = pressBody({ actionId, responseUrl: harness.slackApi.responseUrl('p') });
      await postSigned(harness.url, SIGNING_SECRET, body);
    }

    await harness.slackApi.waitFor(() => harness.commands.presses.length === 2);
    expect(harness.commands.presses.map((press) => press.action)).toEqual(['silence_1h', 'pause']);
  });

  it('sends no reply when the core edits the alert', async () => {
    const body = pressBody({ responseUrl: harness.slackApi.responseUrl('quiet') });
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    await harness.slackApi.waitFor(() => harness.commands.presses.length > 0);
    // A reply would be sent right after pressButton returns, so give it time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.slackApi.postsTo('quiet')).toHaveLength(0);
  });

  it('replies to a rejected press privately', async () => {
    harness.commands.pressReply = REJECTED;
    const body = pressBody({ responseUrl: harness.slackApi.responseUrl('rejected') });
    await postSigned(harness.url, SIGNING_SECRET, body);

    await harness.slackApi.waitFor(() => harness.slackApi.postsTo('rejected').length > 0);
    const [post] = harness.slackApi.postsTo('rejected');
    expect(post!.body.response_type).toBe('ephemeral');
    expect(post!.body.replace_original).toBe(false);
    expect(post!.body.text).toBe(':warning: This alert belongs to another workspace.');
    expect(Array.isArray(post!.body.blocks)).toBe(true);
  });

  it('presses a repeated delivery once', async () => {
    const body = pressBody({ responseUrl: harness.slackApi.responseUrl('again') });
    const first = await postSigned(harness.url, SIGNING_SECRET, body);
    const retry = await postSigned(harness.url, SIGNING_SECRET, body, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    await harness.slackApi.waitFor(() => harness.commands.presses.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.commands.presses).toHaveLength(1);
  });

  it('ignores an unknown drumbeat button', async () => {
    const body = pressBody({
      actionId: 'drumbeat:explode',
      responseUrl: harness.slackApi.responseUrl('unknown'),
    });
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.commands.presses).toHaveLength(0);
  });

  it('verifies a payload with an escaped \\u2705', async () => {
    const payload = JSON.stringify(
      buttonPressPayload({ responseUrl: harness.slackApi.responseUrl('u'), messageText: 'MARK' }),
    ).replace('MARK', 'backup \\u2705 recovered');
    const body = `payload=${encodeURIComponent(payload)}`;
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    await harness.slackApi.waitFor(() => harness.commands.presses.length > 0);
    expect(harness.commands.presses).toHaveLength(1);
  });
});
