import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/scheduler/notifier.js';
import type { RecordedCall } from '../../support/discord-api.js';
import { alertViewFixture, CHANNEL_ID, type Harness, startHarness } from './harness.js';

const OTHER_CHANNEL_ID = '910000000000000002';
const MESSAGES_PATH = `/channels/${CHANNEL_ID}/messages`;
const OTHER_MESSAGES_PATH = `/channels/${OTHER_CHANNEL_ID}/messages`;
const RETRY_AFTER_MS = 1234;

// discord.js keeps its buckets by the `X-RateLimit-Bucket` of earlier responses, so each test
// makes one ordinary call on each route first, as a running service would have.
describe('Discord rate limits', () => {
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

  async function warmUp() {
    const ref = await notifier().postAlert(CHANNEL_ID, alertViewFixture());
    const otherRef = await notifier().postAlert(OTHER_CHANNEL_ID, alertViewFixture());
    return { ref, otherRef };
  }

  function rateLimitedCall(path: string): RecordedCall {
    const call = harness.api.calls.find((entry) => entry.path === path && entry.status === 429);
    if (call === undefined) throw new Error(`no 429 on ${path}`);
    return call;
  }

  async function whenRateLimited(path: string): Promise<RecordedCall> {
    await harness.api.waitFor(() =>
      harness.api.calls.some((c) => c.path === path && c.status === 429),
    );
    // Let the client read the 429 before the next call is made.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return rateLimitedCall(path);
  }

  it('waits retry_after before the route is called again', async () => {
    const { ref } = await warmUp();
    harness.api.failNext('POST', MESSAGES_PATH, { kind: 'rate_limited', retryAfterSeconds: 1.234 });

    const reply = notifier().postThreadReply(ref, 'Still no ping: 2 runs missed in a row.');
    const limited = await whenRateLimited(MESSAGES_PATH);
    const next = notifier().postThreadReply(ref, 'Still no ping: 3 runs missed in a row.');
    await Promise.all([reply, next]);

    const later = harness.api
      .callsTo('POST', MESSAGES_PATH)
      .filter((call) => call.receivedAt > limited.receivedAt);
    expect(later).toHaveLength(2);
    for (const call of later) {
      expect(call.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    }
    expect(harness.api.repliesTo(CHANNEL_ID, ref.messageId)).toHaveLength(2);
  });

  it('keeps other routes going during a route limit', async () => {
    const { ref, otherRef } = await warmUp();
    harness.api.failNext('POST', MESSAGES_PATH, { kind: 'rate_limited', retryAfterSeconds: 1.234 });

    const limitedReply = notifier().postThreadReply(ref, 'Failed again.');
    const limited = await whenRateLimited(MESSAGES_PATH);
    await notifier().postThreadReply(otherRef, 'Failed again.');
    const other = harness.api.callsTo('POST', OTHER_MESSAGES_PATH).at(-1)!;
    await limitedReply;

    expect(other.receivedAt - limited.receivedAt).toBeLessThan(RETRY_AFTER_MS);
  });

  it('pauses every route on a global limit', async () => {
    const { ref, otherRef } = await warmUp();
    harness.api.failNext('POST', MESSAGES_PATH, {
      kind: 'rate_limited',
      retryAfterSeconds: 1.234,
      global: true,
    });

    const limitedReply = notifier().postThreadReply(ref, 'Failed again.');
    const limited = await whenRateLimited(MESSAGES_PATH);
    await notifier().postThreadReply(otherRef, 'Failed again.');
    await limitedReply;

    const other = harness.api.callsTo('POST', OTHER_MESSAGES_PATH).at(-1)!;
    expect(other.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });

  it('reads retry_after from the body when headers are missing', async () => {
    const { ref } = await warmUp();
    harness.api.failNext('POST', MESSAGES_PATH, {
      kind: 'rate_limited',
      retryAfterSeconds: 1.234,
      headers: false,
    });

    await notifier().postThreadReply(ref, 'Failed again.');

    const limited = rateLimitedCall(MESSAGES_PATH);
    const retry = harness.api.callsTo('POST', MESSAGES_PATH).at(-1)!;
    expect(retry.status).toBe(200);
    expect(retry.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });

  it('hands a long wait back to the queue', async () => {
    const { ref } = await warmUp();
    harness.api.failNext('POST', MESSAGES_PATH, { kind: 'rate_limited', retryAfterSeconds: 30 });

    const error = await notifier()
      .postThreadReply(ref, 'Failed again.')
      .then(
        () => null,
        (caught: unknown) => caught,
      );

    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.permanent).toBe(false);
    expect(delivery.code).toBe('rate_limited');
    expect(delivery.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(
      harness.api.callsTo('POST', MESSAGES_PATH).filter((call) => call.status === 429),
    ).toHaveLength(1);
    expect(harness.api.repliesTo(CHANNEL_ID, ref.messageId)).toHaveLength(0);
  });
});
