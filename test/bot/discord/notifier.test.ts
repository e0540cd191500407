import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertCustomId } from '../../../src/bot/discord/alert-message.js';
import type { DiscordNotifier } from '../../../src/bot/discord/notifier.js';
import type { DigestView } from '../../../src/digest/view.js';
import { DeliveryError, type MessageRef } from '../../../src/scheduler/notifier.js';
import { UNKNOWN_CHANNEL } from '../../support/discord-api.js';
import { buttonPayload } from '../../support/discord-signing.js';
import { alertViewFixture, CHANNEL_ID, type Harness, startHarness } from './harness.js';

const OTHER_CHANNEL_ID = '910000000000000002';
const MESSAGES_PATH = `/channels/${CHANNEL_ID}/messages`;

const CLOSED = alertViewFixture({
  status: 'closed',
  title: 'backup recovered after 12 min',
  notes: ['Closed at today, 10:12 UTC.'],
  buttons: [],
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const DIGEST: DigestView = {
  teamId: 'discord:900000000000000001',
  channelId: CHANNEL_ID,
  key: `${CHANNEL_ID}:weekly:2025-03-10`,
  title: 'Weekly digest: Mon 10 Mar – Sun 16 Mar 2025',
  headline: '1 monitor, 7 expected runs, 100% on time, 0 incidents.',
  comparison: null,
  allGood: 'All good: all 7 expected runs of 1 monitor came on time.',
  monitors: [],
  others: null,
  changes: [],
  footer: 'Times in Europe/Berlin.',
  image: {
    fileName: 'drumbeat-digest-weekly-2025-03-10.png',
    title: 'Drumbeat digest, Mon 10 Mar – Sun 16 Mar 2025',
    altText: 'Health of 1 monitor by day',
  },
};

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DeliveryError))
    throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('Discord notifier', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
    harness.api.addChannel(CHANNEL_ID);
    harness.api.addChannel(OTHER_CHANNEL_ID);
  });

  afterEach(async () => {
    await harness.close();
  });

  const notifier = () => harness.app.notifier;

  it('posts an alert with the bot token', async () => {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());

    const [call] = harness.api.callsTo('POST', MESSAGES_PATH);
    expect(call?.authorization).toBe(`Bot ${harness.api.identity.botToken}`);
    const body = call?.body as { nonce?: string; enforce_nonce?: boolean; components?: unknown[] };
    expect(body.nonce).toHaveLength(25);
    expect(body.enforce_nonce).toBe(true);
    expect(body.components).toHaveLength(1);
    const stored = harness.api.messagesIn(CHANNEL_ID);
    expect(stored).toHaveLength(1);
    expect(ref).toEqual({ platform: 'discord', channelId: CHANNEL_ID, messageId: stored[0]!.id });
  });

  it('edits the alert in place', async () => {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
    await notifier().updateAlert(ref, CLOSED);

    const message = harness.api.message(CHANNEL_ID, ref.messageId);
    expect(harness.api.messagesIn(CHANNEL_ID)).toHaveLength(1);
    expect(message?.edits).toHaveLength(1);
    expect(message?.content).toBe('✅ backup recovered after 12 min');
    expect(message?.components).toEqual([]);
  });

  it('replies to the alert message', async () => {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
    await notifier().postThreadReply(ref, 'Recovered after 12 min: a successful ping arrived.');

    const replies = harness.api.repliesTo(CHANNEL_ID, ref.messageId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.content).toBe('Recovered after 12 min: a successful ping arrived.');
  });

  it("replies with a failed run's output as code", async () => {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
    // As long as the longest alert excerpt, with its line of what was left out.
    const output = `… (99,400 earlier characters not shown)\n${'x'.repeat(540)}\nError: disk full`;
    await notifier().postThreadReply(ref, 'Failed again, with exit status 3.', output);

    const content = harness.api.repliesTo(CHANNEL_ID, ref.messageId)[0]?.content ?? '';
    expect(content).toBe(`Failed again, with exit status 3.\n\`\`\`\n${output}\n\`\`\``);
  });

  it('posts once when a response is lost', async () => {
    harness.api.failNext('POST', MESSAGES_PATH, { kind: 'drop_answer' });
    const lost = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());

    expect(lost.permanent).toBe(false);
    expect(harness.api.callsTo('POST', MESSAGES_PATH)).toHaveLength(2);
    expect(harness.api.messagesIn(CHANNEL_ID)).toHaveLength(1);
    expect(ref.messageId).toBe(harness.api.messagesIn(CHANNEL_ID)[0]!.id);
  });

  it('replies once when a response is lost', async () => {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
    const options = { replyId: 'incident-1:2:recovered', mayExist: false };
    harness.api.failNext('POST', MESSAGES_PATH, { kind: 'drop_answer' });
    await deliveryError(notifier().postThreadReply(ref, 'Recovered.', null, options));

    await notifier().postThreadReply(ref, 'Recovered.', null, { ...options, mayExist: true });

    expect(harness.api.repliesTo(CHANNEL_ID, ref.messageId)).toHaveLength(1);
  });

  describe('permanent errors', () => {
    it('stops on an unknown channel', async () => {
      const error = await deliveryError(
        notifier().postAlert('910000000000000404', alertViewFixture()),
      );

      expect(error.permanent).toBe(true);
      expect(error.code).toBe('unknown_channel');
      expect(error.message).toContain('910000000000000404');
      expect(harness.api.callsTo('POST', '/channels/910000000000000404/messages')).toHaveLength(1);
    });

    it('stops on an unknown message', async () => {
      const ref: MessageRef = {
        platform: 'discord',
        channelId: CHANNEL_ID,
        messageId: '1300000000000009999',
      };
      const error = await deliveryError(notifier().updateAlert(ref, CLOSED));

      expect(error.permanent).toBe(true);
      expect(error.code).toBe('unknown_message');
    });

    it.each([
      [50001, 'Missing Access', 'missing_access'],
      [50013, 'Missing Permissions', 'missing_permissions'],
    ])('stops on code %i', async (code, message, expected) => {
      harness.api.failNext('POST', MESSAGES_PATH, {
        kind: 'discord_error',
        status: 403,
        code,
        message,
      });
      const error = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));

      expect(error.permanent).toBe(true);
      expect(error.code).toBe(expected);
      expect(harness.api.callsTo('POST', MESSAGES_PATH)).toHaveLength(1);
    });

    it('stops on a scripted unknown channel', async () => {
      harness.api.failNext('POST', MESSAGES_PATH, UNKNOWN_CHANNEL);
      const error = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));

      expect(error.code).toBe('unknown_channel');
    });
  });

  describe('bot token', () => {
    let wrongToken: Harness;

    beforeEach(async () => {
      wrongToken = await startHarness({ botToken: 'not-the-bot-token' });
      wrongToken.api.addChannel(CHANNEL_ID);
    });

    afterEach(async () => {
      await wrongToken.close();
    });

    it('stops on 401, delivery after delivery', async () => {
      const first = await deliveryError(
        wrongToken.app.notifier.postAlert(CHANNEL_ID, alertViewFixture()),
      );
      const second = await deliveryError(
        wrongToken.app.notifier.postAlert(CHANNEL_ID, alertViewFixture()),
      );

      expect(first.permanent).toBe(true);
      expect(first.code).toBe('invalid_token');
      expect(first.message).toContain('DISCORD_BOT_TOKEN');
      expect(second.code).toBe('invalid_token');
      expect(wrongToken.api.callsTo('POST', MESSAGES_PATH)).toHaveLength(2);
    });

    it('rejects a bad token at start', async () => {
      await expect(wrongToken.app.start()).rejects.toThrow(/DISCORD_BOT_TOKEN/);
    });

    it('accepts its own token at start', async () => {
      await expect(harness.app.start()).resolves.toBeUndefined();
      expect(harness.api.callsTo('GET', '/users/@me')).toHaveLength(1);
    });
  });

  describe('transient errors', () => {
    it('leaves a 5xx to the queue to retry', async () => {
      harness.api.failNext('POST', MESSAGES_PATH, { kind: 'server_error', status: 502 });
      const error = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));

      expect(error.permanent).toBe(false);
      expect(error.code).toBe('http_502');
      expect(harness.api.callsTo('POST', MESSAGES_PATH)).toHaveLength(1);
    });

    it.each([
      ['no id', ({ id: _id, ...rest }: Record<string, unknown>) => rest],
      // A proxy that parses JSON into doubles turns a snowflake into an inexact number.
      ['a numeric id', (body: Record<string, unknown>) => ({ ...body, id: Number(body.id) })],
      ['an empty id', (body: Record<string, unknown>) => ({ ...body, id: '' })],
      ['an empty body', () => ({})],
    ])('retries a post answered with %s', async (_case, rewrite) => {
      harness.api.failNext('POST', MESSAGES_PATH, {
        kind: 'rewrite_answer',
        rewrite: (body) => rewrite(body as Record<string, unknown>),
      });
      const error = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));

      expect(error.permanent).toBe(false);
      expect(error.code).toBe('message_id_missing');
      expect(error.message).toContain(
        `Discord responded to POST ${MESSAGES_PATH} without a message id`,
      );
      // The message was created, so the retry's nonce gets it back instead of a second one.
      const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
      const stored = harness.api.messagesIn(CHANNEL_ID);
      expect(stored).toHaveLength(1);
      expect(ref.messageId).toBe(stored[0]!.id);
      await notifier().updateAlert(ref, CLOSED);
      expect(harness.api.callsTo('PATCH', `${MESSAGES_PATH}/${stored[0]!.id}`)).toHaveLength(1);
      expect(harness.api.callsTo('PATCH', /\/messages\/(?!\d+$)/)).toHaveLength(0);
    });

    it('retries a digest post answered without an id', async () => {
      harness.api.failNext('POST', MESSAGES_PATH, {
        kind: 'rewrite_answer',
        rewrite: (body) => ({ ...(body as object), id: undefined }),
      });
      const digests = notifier() as DiscordNotifier;
      const error = await deliveryError(digests.postDigest(CHANNEL_ID, DIGEST, PNG));

      expect(error.permanent).toBe(false);
      expect(error.code).toBe('message_id_missing');
      const ref = await digests.postDigest(CHANNEL_ID, DIGEST, PNG);
      const stored = harness.api.messagesIn(CHANNEL_ID);
      expect(stored).toHaveLength(1);
      expect(ref.messageId).toBe(stored[0]!.id);
    });

    it('treats an unreachable API as transient', async () => {
      await harness.api.close();
      const error = await deliveryError(notifier().postAlert(CHANNEL_ID, alertViewFixture()));

      expect(error.permanent).toBe(false);
      expect(error.code).toBe('request_failed');
    });
  });

  describe('interaction token expiry', () => {
    it('edits 20 minutes after a press with the bot token', async () => {
      const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
      const press = buttonPayload(
        harness.actor,
        alertCustomId(alertViewFixture().buttons[0]!),
        ref.messageId,
      );
      await harness.send(press);
      harness.api.advanceClock(20 * 60_000);

      // The press's token is dead by now, as it is at Discord after 15 minutes.
      const webhookEdit = await fetch(
        `${harness.api.apiUrl}/v10/webhooks/${harness.actor.applicationId}/${press.token}/messages/@original`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: '{"content":"x"}',
        },
      );
      expect(webhookEdit.status).toBe(401);
      expect(((await webhookEdit.json()) as { code: number }).code).toBe(50027);

      await notifier().updateAlert(ref, CLOSED);
      const last = harness.api.calls.at(-1);
      expect(last?.method).toBe('PATCH');
      expect(last?.path).toBe(`/channels/${ref.channelId}/messages/${ref.messageId}`);
      expect(last?.authorization).toBe(`Bot ${harness.api.identity.botToken}`);
      expect(harness.api.message(CHANNEL_ID, ref.messageId)?.content).toBe(
        '✅ backup recovered after 12 min',
      );
    });
  });
});
