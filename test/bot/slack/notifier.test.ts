import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../../src/bot/slack/notifier.js';
import {
  createWebClient,
  slackClientOptions,
  toBoltLogger,
} from '../../../src/bot/slack/web-client.js';
import type { AlertView } from '../../../src/bot/views.js';
import { createSilentLogger } from '../../../src/logger.js';
import { DeliveryError, type MessageRef } from '../../../src/scheduler/notifier.js';
import { SlackApiStandIn } from '../../support/slack-api.js';

const logger = createSilentLogger();

function alertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    monitorId: 'mon-1',
    incidentId: 'inc-1',
    kind: 'late',
    status: 'open',
    title: 'nightly-invoices is late',
    fields: [
      { label: 'Expected', value: '02:00 UTC' },
      { label: 'Last ping', value: 'yesterday 02:01 UTC' },
    ],
    notes: [],
    output: null,
    buttons: [
      { action: 'acknowledge', label: 'Acknowledge', value: 'mon-1:inc-1', style: 'primary' },
      { action: 'silence_1h', label: 'Silence 1h', value: 'mon-1:inc-1', style: null },
      { action: 'pause', label: 'Pause', value: 'mon-1:inc-1', style: 'danger' },
    ],
    ...overrides,
  };
}

async function deliveryErrorOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('Slack notifier', () => {
  let slackApi: SlackApiStandIn;
  let notifier: SlackNotifier;
  let channel: string;
  let channelCounter = 0;

  beforeAll(async () => {
    slackApi = await SlackApiStandIn.start();
    const options = slackClientOptions(slackApi.apiUrl, toBoltLogger(logger));
    notifier = new SlackNotifier(createWebClient(slackApi.identity.token, options), logger);
  });

  afterAll(async () => {
    await slackApi.close();
  });

  beforeEach(() => {
    // A fresh channel per test, so recorded messages never mix.
    channelCounter += 1;
    channel = `C0TEST${String(channelCounter).padStart(3, '0')}`;
  });

  it('posts an alert with buttons', async () => {
    const ref = await notifier.postAlert(channel, alertView());

    expect(ref.platform).toBe('slack');
    expect(ref.channelId).toBe(channel);
    const messages = slackApi.messagesIn(channel);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.ts).toBe(ref.messageId);
    expect(messages[0]!.text).toMatch(/^nightly-invoices is late/);
    const actions = messages[0]!.blocks?.find(
      (block) => (block as { type: string }).type === 'actions',
    ) as { elements: { action_id: string; value: string }[] } | undefined;
    expect(actions?.elements.map((element) => element.action_id)).toEqual([
      'drumbeat:acknowledge',
      'drumbeat:silence_1h',
      'drumbeat:pause',
    ]);
    expect(actions?.elements.every((element) => element.value === 'mon-1:inc-1')).toBe(true);
  });

  it('sends the bot token', async () => {
    await notifier.postAlert(channel, alertView());

    const [call] = slackApi.callsTo('chat.postMessage').slice(-1);
    expect(call!.token).toBe(slackApi.identity.token);
  });

  it('edits an alert in place', async () => {
    const ref = await notifier.postAlert(channel, alertView());
    const acknowledged = alertView({ status: 'acknowledged', notes: ['Acknowledged by @alice'] });
    await notifier.updateAlert(ref, acknowledged);

    const messages = slackApi.messagesIn(channel);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.edits).toHaveLength(1);
    expect(JSON.stringify(messages[0]!.blocks)).toContain('Acknowledged by @alice');
    expect(JSON.stringify(messages[0]!.edits[0]!.blocks)).not.toContain('Acknowledged by');
  });

  it('replies in the alert thread', async () => {
    const ref = await notifier.postAlert(channel, alertView());
    await notifier.postThreadReply(ref, 'Recovered after 12m <3');

    const [message] = slackApi.messagesIn(channel);
    expect(slackApi.messagesIn(channel)).toHaveLength(1);
    expect(message!.replies).toHaveLength(1);
    expect(message!.replies[0]!.threadTs).toBe(ref.messageId);
    expect(message!.replies[0]!.text).toBe('Recovered after 12m &lt;3');
  });

  it("replies with a failed run's output as code", async () => {
    const ref = await notifier.postAlert(channel, alertView());
    await notifier.postThreadReply(ref, 'Failed again, with exit status 3.', 'disk <full>');

    const [message] = slackApi.messagesIn(channel);
    expect(message!.replies[0]!.text).toBe(
      'Failed again, with exit status 3.\n```\ndisk &lt;full&gt;\n```',
    );
  });

  it('maps 429 to a transient error with Retry-After', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 30 });
    const callsBefore = slackApi.callsTo('chat.postMessage').length;
    const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));

    expect(error.permanent).toBe(false);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(30_000);
    // The client itself must not retry: the queue waits out Retry-After.
    expect(slackApi.callsTo('chat.postMessage').length - callsBefore).toBe(1);
    expect(slackApi.messagesIn(channel)).toHaveLength(0);
  });

  it('maps channel_not_found to a permanent error', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'slack_error', error: 'channel_not_found' });
    const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));

    expect(error.permanent).toBe(true);
    expect(error.code).toBe('channel_not_found');
    expect(error.retryAfterMs).toBeNull();
    expect(error.message).toMatch(/Invite the app to the channel/);
  });

  it.each([
    'not_in_channel',
    'is_archived',
    'invalid_auth',
    'token_revoked',
    'account_inactive',
    'missing_scope',
    'msg_too_long',
  ])('maps %s to a permanent error', async (code) => {
    slackApi.failNext('chat.postMessage', { kind: 'slack_error', error: code });
    const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));

    expect(error.permanent).toBe(true);
    expect(error.code).toBe(code);
  });

  it.each(['internal_error', 'fatal_error', 'service_unavailable'])(
    'maps %s to a transient error',
    async (code) => {
      slackApi.failNext('chat.postMessage', { kind: 'slack_error', error: code });
      const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));

      expect(error.permanent).toBe(false);
      expect(error.code).toBe(code);
    },
  );

  it('maps HTTP 503 to a transient error', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'http_error', status: 503 });
    const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));

    expect(error.permanent).toBe(false);
    expect(error.code).toBe('http_503');
  });

  it('maps HTTP 404 to a permanent error', async () => {
    slackApi.failNext('chat.update', { kind: 'http_error', status: 404 });
    const ref: MessageRef = { platform: 'slack', channelId: channel, messageId: '1.000001' };
    const error = await deliveryErrorOf(notifier.updateAlert(ref, alertView()));

    expect(error.permanent).toBe(true);
    expect(error.code).toBe('http_404');
  });

  it('maps an edit of a deleted message to a permanent error', async () => {
    const ref: MessageRef = { platform: 'slack', channelId: channel, messageId: '1.999999' };
    const error = await deliveryErrorOf(notifier.updateAlert(ref, alertView()));

    expect(error.permanent).toBe(true);
    expect(error.code).toBe('message_not_found');
  });

  it('does not post twice after a lost response', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'drop_response' });
    const error = await deliveryErrorOf(notifier.postAlert(channel, alertView()));
    expect(error.permanent).toBe(false);
    expect(slackApi.messagesIn(channel)).toHaveLength(1);

    const retried = alertView({ notes: ['Second attempt'] });
    const ref = await notifier.postAlert(channel, retried);

    const messages = slackApi.messagesIn(channel);
    expect(messages).toHaveLength(1);
    expect(ref.messageId).toBe(messages[0]!.ts);
    expect(JSON.stringify(messages[0]!.blocks)).toContain('Second attempt');
  });

  it('finds a lost post behind 300 newer ones', async () => {
    const openedAt = Date.now();
    slackApi.failNext('chat.postMessage', { kind: 'drop_response' });
    const lost = alertView({ incidentId: 'inc-burst-0' });
    await deliveryErrorOf(notifier.postAlert(channel, lost, { openedAt }));
    // The rest of a burst into the same channel: more than a page of the lookup.
    for (let i = 1; i <= 300; i++) {
      await notifier.postAlert(channel, alertView({ incidentId: `inc-burst-${i}` }));
    }
    const before = slackApi.messagesIn(channel).length;

    const ref = await notifier.postAlert(channel, lost, { openedAt });

    const messages = slackApi.messagesIn(channel);
    expect(messages).toHaveLength(before);
    const first = messages.find((message) => message.ts === ref.messageId);
    expect(JSON.stringify(first?.metadata)).toContain('inc-burst-0');
    const lookups = slackApi
      .callsTo('conversations.history')
      .filter((call) => call.args.channel === channel);
    expect(lookups).toHaveLength(2);
    expect(Number(lookups[0]!.args.oldest)).toBeLessThanOrEqual(openedAt / 1000);
  });

  it('posts again when no earlier attempt was uncertain', async () => {
    await notifier.postAlert(channel, alertView());
    await notifier.postAlert(channel, alertView({ incidentId: 'inc-2' }));

    expect(slackApi.messagesIn(channel)).toHaveLength(2);
    const lookups = slackApi
      .callsTo('conversations.history')
      .filter((call) => call.args.channel === channel);
    expect(lookups).toHaveLength(0);
  });

  it('posts after a lost response when history is unreadable', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'http_error', status: 502 });
    await deliveryErrorOf(notifier.postAlert(channel, alertView({ incidentId: 'inc-9' })));
    slackApi.failNext('conversations.history', { kind: 'slack_error', error: 'missing_scope' });

    const ref = await notifier.postAlert(channel, alertView({ incidentId: 'inc-9' }));

    expect(slackApi.messagesIn(channel).map((message) => message.ts)).toEqual([ref.messageId]);
  });

  it('retries instead of posting twice when the lookup fails', async () => {
    slackApi.failNext('chat.postMessage', { kind: 'drop_response' });
    await deliveryErrorOf(notifier.postAlert(channel, alertView({ incidentId: 'inc-10' })));
    slackApi.failNext('conversations.history', { kind: 'http_error', status: 500 });

    const error = await deliveryErrorOf(
      notifier.postAlert(channel, alertView({ incidentId: 'inc-10' })),
    );
    expect(error.permanent).toBe(false);
    expect(slackApi.messagesIn(channel)).toHaveLength(1);

    const ref = await notifier.postAlert(channel, alertView({ incidentId: 'inc-10' }));
    expect(slackApi.messagesIn(channel).map((message) => message.ts)).toEqual([ref.messageId]);
  });
});

describe('Slack client options', () => {
  it('adds the missing slash to the API URL', async () => {
    const slackApi = await SlackApiStandIn.start();
    try {
      const options = slackClientOptions(slackApi.apiUrl.replace(/\/$/, ''), toBoltLogger(logger));
      const notifier = new SlackNotifier(createWebClient(slackApi.identity.token, options), logger);
      await notifier.postAlert('C0SLASH01', alertView());

      expect(options.slackApiUrl).toBe(slackApi.apiUrl);
      expect(slackApi.messagesIn('C0SLASH01')).toHaveLength(1);
    } finally {
      await slackApi.close();
    }
  });
});
