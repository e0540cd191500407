// Secrets: ping tokens are random UUID v4s, and a full run of the service, with errors and a
// Redis outage in it, writes no ping token, ping URL, ping key, signing secret or bot token to
// its output, at debug level.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPingToken } from '../../src/store/ids.js';
import { BOT_TOKEN, FaultStack, SIGNING_SECRET, sleep } from '../faults/harness.js';
import { waitFor } from '../support/redis.js';
import { buttonPressPayload, interactionBody, postSigned } from '../support/slack-signing.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Bit positions of a UUID v4 that are not fixed by its version (4 bits) and variant (2). */
function randomBitPositions(): number[] {
  const fixed = new Set([48, 49, 50, 51, 64, 65]);
  return Array.from({ length: 128 }, (_, i) => i).filter((i) => !fixed.has(i));
}

function bitsOf(uuid: string): string {
  return [...uuid.replaceAll('-', '')]
    .map((digit) => Number.parseInt(digit, 16).toString(2).padStart(4, '0'))
    .join('');
}

describe('ping tokens', () => {
  it('are UUID v4 with 122 random bits', () => {
    const samples = Array.from({ length: 10_000 }, () => newPingToken());
    expect(new Set(samples).size).toBe(samples.length);
    for (const token of samples) expect(token).toMatch(UUID_V4);

    // Each of the 122 free bits is set in about half of the samples: none is stuck or biased.
    const positions = randomBitPositions();
    expect(positions).toHaveLength(122);
    const ones = new Array<number>(128).fill(0);
    for (const token of samples) {
      const bits = bitsOf(token);
      for (let i = 0; i < 128; i++) if (bits[i] === '1') ones[i]! += 1;
    }
    for (const position of positions) {
      const share = ones[position]! / samples.length;
      expect(share, `bit ${position}`).toBeGreaterThan(0.45);
      expect(share, `bit ${position}`).toBeLessThan(0.55);
    }
  });
});

describe('secrets in the output of a full run', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start({ redisArgs: ['--appendonly', 'yes'] });
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('contain no token, ping URL, signing secret or bot token', { timeout: 60_000 }, async () => {
    const secrets: string[] = [SIGNING_SECRET, BOT_TOKEN];
    const ok = await stack.createMonitor('secret-ok', 'every 1 hour');
    const failing = await stack.createMonitor('secret-failing', 'every 1 hour max runtime 2s');
    secrets.push(ok.token, ok.pingUrl, failing.token, failing.pingUrl);

    // Pings of every kind, with bodies, run ids and user agents.
    const rid = '6f1d3e0a-7c55-4b8e-9d0e-2b7f0c9a1e11';
    for (const suffix of ['', '/start', `/log?rid=${rid}`, '/0', '/fail', '/17']) {
      const response = await fetch(`${ok.pingUrl}${suffix}`, { method: 'POST', body: 'output' });
      expect(response.status).toBe(200);
    }
    expect((await fetch(`${failing.pingUrl}/start`)).status).toBe(200);
    expect((await fetch(`${ok.pingUrl}/999`)).status).toBe(400);
    expect((await fetch(`${ok.pingUrl}/fail?rid=nope`)).status).toBe(400);
    expect((await fetch(`${ok.pingUrl}/a/b`)).status).toBe(404);
    const unknownToken = '0b3c6f0e-51d2-4a8e-9c4f-3d2e1f0a9b8c';
    secrets.push(unknownToken);
    expect((await fetch(`${stack.service.baseUrl}/ping/${unknownToken}`)).status).toBe(404);

    // Commands that show the ping URL, a command that fails, and a bad signature.
    expect((await stack.command('status secret-ok')).text).toContain(ok.pingUrl);
    await stack.command('list');
    await stack.command('silence secret-nope for 2 hours');
    const forged = await postSigned(`${stack.service.baseUrl}/slack/events`, 'wrong', 'text=x');
    expect(forged.status).toBe(401);

    // Alerts: a failure and a hung run, a button press and a rate-limited edit.
    const alert = await stack.waitForAlert(ok.id);
    await stack.waitForAlert(failing.id, 10_000);
    stack.slack.failNext('chat.update', { kind: 'rate_limited', retryAfterSeconds: 1 });
    const blocks = JSON.stringify(alert.blocks);
    const value = /"value":"([^"]+)"/.exec(blocks)?.[1] ?? '';
    const press = buttonPressPayload({
      actionId: 'drumbeat:acknowledge',
      value,
      teamId: 'T0OWNER01',
      userId: 'U0MATE001',
      channelId: 'C0ALERTS1',
      messageTs: alert.ts,
      responseUrl: stack.slack.responseUrl('press'),
    });
    await postSigned(
      `${stack.service.baseUrl}/slack/events`,
      SIGNING_SECRET,
      interactionBody(press),
    );
    await waitFor(
      () => (stack.alertsOf(ok.id)[0]?.text?.includes('U0MATE001') ? true : undefined),
      10_000,
      'acknowledged edit',
    );

    // Redis rejects writes for lack of memory, then goes away, and pings fail meanwhile.
    await stack.client.config('SET', 'maxmemory', '1');
    expect((await fetch(ok.pingUrl, { method: 'POST', body: 'x' })).status).toBe(503);
    expect((await fetch(`${ok.pingUrl}/fail`)).status).toBe(503);
    await stack.client.config('SET', 'maxmemory', '0');
    await stack.redis.stop();
    expect((await fetch(ok.pingUrl)).status).toBe(503);
    expect((await fetch(`${failing.pingUrl}/fail`)).status).toBe(503);
    await stack.command('status secret-ok');
    await sleep(500);
    await stack.redis.start();
    await waitFor(
      async () => ((await fetch(ok.pingUrl)).status === 200 ? true : undefined),
      15_000,
      'pings after Redis is back',
    );

    // A clean stop ends the run.
    expect(await stack.service.stop('SIGTERM')).toBe(0);

    const output = stack.service.rawOutput;
    expect(output).toContain('drumbeat stopped');
    expect(output).toContain('ping not stored');
    for (const secret of secrets) {
      expect(output.includes(secret), `output contains ${secret.slice(0, 12)}…`).toBe(false);
    }
    // Tokens also do not appear in their upper-case or URL-encoded forms.
    expect(output.toLowerCase().includes(ok.token)).toBe(false);
  });
});
