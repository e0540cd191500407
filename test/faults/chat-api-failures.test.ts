// The Slack Web API fails under the service: rate limits with Retry-After, an outage of 5xx
// answers, answers lost after Slack did the work, and errors no retry can fix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/redis.js';
import type { StoredMessage } from '../support/slack-api.js';
import { FaultStack, firstText, sleep } from './harness.js';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

function replyTexts(message: StoredMessage | undefined): string[] {
  return (message?.replies ?? []).map((reply) => reply.text ?? '');
}

async function ping(url: string, expected = 200): Promise<void> {
  expect((await fetch(url, { method: 'POST', body: 'job output' })).status).toBe(expected);
}

describe('chat API rate limit', () => {
  it('waits out Retry-After, then posts the alert once', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('rate-limited', 'every 1 hour');
    stack.slack.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 3 });
    await ping(`${monitor.pingUrl}/fail`);

    const alert = await stack.waitForAlert(monitor.id, 10_000);
    expect(firstText(alert)).toContain('rate-limited failed');
    const attempts = stack
      .callsTo('chat.postMessage', monitor.id)
      .map((call) => ({ at: call.at, failure: call.failure?.kind ?? null }));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.failure).toBe('rate_limited');
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(3000);
    const limited = stack.logsMatching(/chat API rate limit/);
    expect(limited.some((line) => line.retryAfterMs === 3000)).toBe(true);
  });
});

describe('chat API outage', () => {
  it('delivers every alert once and in order afterwards', { timeout: 60_000 }, async () => {
    const flaky = await stack.createMonitor('outage-flaky', 'every 1 hour');
    const broken = await stack.createMonitor('outage-broken', 'every 1 hour');
    const brief = await stack.createMonitor('outage-brief', 'every 1 hour');
    const twice = await stack.createMonitor('outage-twice', 'every 1 hour');

    // 429 for the first 2 s, then 503 until 6 s, for every Web API method.
    stack.slack.failDuring('*', { kind: 'rate_limited', retryAfterSeconds: 2 }, 2000);
    stack.slack.failDuring('*', { kind: 'http_error', status: 503 }, 6000);
    const outageEndsAt = Date.now() + 6000;

    await ping(`${flaky.pingUrl}/fail`);
    await ping(`${broken.pingUrl}/3`);
    await ping(`${brief.pingUrl}/fail`);
    await ping(`${twice.pingUrl}/fail`);
    await sleep(700);
    await ping(`${flaky.pingUrl}/fail`);
    await ping(brief.pingUrl);
    await ping(twice.pingUrl);
    await sleep(700);
    await ping(`${flaky.pingUrl}/fail`);
    await ping(`${twice.pingUrl}/4`);
    await sleep(700);
    await ping(flaky.pingUrl);
    expect(Date.now()).toBeLessThan(outageEndsAt);

    // Every incident gets its one message, showing its final state.
    await waitFor(
      () =>
        stack.alertsOf(flaky.id)[0]?.text?.includes('recovered') &&
        stack.alertsOf(brief.id)[0]?.text?.includes('recovered') &&
        stack.alertsOf(broken.id)[0] !== undefined &&
        stack.alertsOf(twice.id).length === 2
          ? true
          : undefined,
      40_000,
      'alerts after the outage',
    );
    await waitFor(
      () => (replyTexts(stack.alertsOf(flaky.id)[0]).length >= 4 ? true : undefined),
      30_000,
      'thread replies of the flaky monitor',
    );
    await sleep(1000);

    for (const monitor of [flaky, broken, brief]) {
      expect(stack.alertsOf(monitor.id)).toHaveLength(1);
    }
    expect(stack.alertsOf(broken.id)[0]?.text).toContain('failed with exit status 3');
    expect(stack.alertsOf(brief.id)[0]?.text).toContain('recovered');

    // Two incidents of one monitor appear in the channel in the order they opened.
    const [first, second] = stack.alertsOf(twice.id);
    expect(first?.text).toContain('recovered');
    expect(second?.text).toContain('failed with exit status 4');

    // The follow-ups sit in the thread in the order they happened, the first failure first,
    // as the alert shows the latest.
    const flakyReplies = replyTexts(stack.alertsOf(flaky.id)[0]);
    expect(flakyReplies).toHaveLength(4);
    expect(flakyReplies[0]).toMatch(/^The run failed/);
    expect(flakyReplies[1]).toMatch(/^Failed again/);
    expect(flakyReplies[2]).toMatch(/^Failed again/);
    expect(flakyReplies[3]).toMatch(/^Recovered/);
    expect(replyTexts(stack.alertsOf(brief.id)[0])).toHaveLength(1);
  });
});

describe('chat API failing a burst', () => {
  it('logs the failed deliveries once, with a count', { timeout: 40_000 }, async () => {
    const monitors = await Promise.all(
      Array.from({ length: 12 }, (_, i) => stack.createMonitor(`burst-${i}`, 'every 1 hour')),
    );
    // A status that no other test here uses, so that only this burst counts under its message.
    stack.slack.failDuring('chat.postMessage', { kind: 'http_error', status: 502 }, 2500);
    await Promise.all(monitors.map((monitor) => ping(`${monitor.pingUrl}/fail`)));
    for (const monitor of monitors) await stack.waitForAlert(monitor.id, 20_000);
    const failed = monitors
      .flatMap((monitor) => stack.callsTo('chat.postMessage', monitor.id))
      .filter((call) => call.failure !== null).length;
    // A count that no later line reports is logged 10 s after the first failure it skipped.
    await sleep(11_000);

    const lines = stack
      .logsMatching(/^alert delivery failed; retrying$/)
      .filter((line) => JSON.stringify(line.err).includes('HTTP 502'));
    expect(failed).toBeGreaterThanOrEqual(monitors.length);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.suppressed).toBe(0);
    expect(lines[1]?.suppressed).toBe(failed - 1);
    for (const monitor of monitors) expect(stack.alertsOf(monitor.id)).toHaveLength(1);
  });
});

describe('chat API answer lost', () => {
  it('edits the posted alert instead of posting again', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('answer-lost', 'every 1 hour');
    stack.slack.failNext('chat.postMessage', { kind: 'drop_response' });
    await ping(`${monitor.pingUrl}/fail`);

    await waitFor(
      () => (stack.slack.callsTo('chat.update').length > 0 ? true : undefined),
      10_000,
      'edit of the posted alert',
    );
    await ping(monitor.pingUrl);
    await waitFor(
      () => (stack.alertsOf(monitor.id)[0]?.text?.includes('recovered') ? true : undefined),
      10_000,
      'recovery edit',
    );
    expect(stack.alertsOf(monitor.id)).toHaveLength(1);
  });

  it('posts a thread reply once', { timeout: 30_000 }, async () => {
    const monitor = await stack.createMonitor('reply-lost', 'every 1 hour');
    await ping(`${monitor.pingUrl}/fail`);
    await stack.waitForAlert(monitor.id);

    // The recovery's reply reaches Slack, and its response is lost.
    stack.slack.failNext('chat.postMessage', { kind: 'drop_response' });
    await ping(monitor.pingUrl);
    await waitFor(
      () => (stack.slack.callsTo('conversations.replies').length > 0 ? true : undefined),
      10_000,
      'lookup of the reply',
    );
    await sleep(1000);

    const [alert] = stack.alertsOf(monitor.id);
    expect(alert!.replies).toHaveLength(1);
  });
});

describe('permanent chat API errors', () => {
  for (const error of ['channel_not_found', 'token_revoked']) {
    it(`stops after ${error} and logs it once`, { timeout: 30_000 }, async () => {
      const monitor = await stack.createMonitor(`gone-${error.split('_')[0]}`, 'every 1 hour');
      stack.slack.failNext('chat.postMessage', { kind: 'slack_error', error });
      await ping(`${monitor.pingUrl}/fail`);

      await waitFor(
        () => (stack.callsTo('chat.postMessage', monitor.id).length > 0 ? true : undefined),
        10_000,
        'the post attempt',
      );
      // Retries would come after 1 s, 2 s and 4 s.
      await sleep(4000);
      expect(stack.callsTo('chat.postMessage', monitor.id)).toHaveLength(1);
      expect(stack.alertsOf(monitor.id)).toHaveLength(0);
      const errors = stack.service.logs.filter(
        (line) =>
          (line.level ?? 0) >= 50 &&
          line.monitorId === monitor.id &&
          JSON.stringify(line).includes(error),
      );
      expect(errors).toHaveLength(1);
    });
  }
});
