import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postSigned, slashCommandBody } from '../../support/slack-signing.js';
import { type Harness, replyFor, SIGNING_SECRET, startHarness } from './harness.js';

interface EphemeralAnswer {
  response_type?: string;
  text?: string;
  blocks?: { type: string; text?: { text: string } }[];
}

describe('slash command', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
    harness.slackApi.setUser('U0USER001', { tz: 'Europe/Berlin' });
  });

  afterEach(async () => {
    await harness.close();
  });

  function commandBody(text: string, responseId = 'r1', userId = 'U0USER001') {
    return slashCommandBody({
      text,
      userId,
      responseUrl: harness.slackApi.responseUrl(responseId),
    });
  }

  it('responds with ephemeral blocks', async () => {
    const response = await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));

    expect(response.status).toBe(200);
    const answer = JSON.parse(response.text) as EphemeralAnswer;
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe(replyFor('list').summary);
    const texts = (answer.blocks ?? []).map((block) => block.text?.text ?? '');
    expect(texts).toContain('*Result*\nYou typed list');
    expect(texts.some((text) => text.startsWith('```'))).toBe(true);
    expect(harness.slackApi.postsTo('r1')).toHaveLength(0);
  });

  it('passes team, user, channel and zone to the core', async () => {
    await postSigned(harness.url, SIGNING_SECRET, commandBody('status backup'));

    expect(harness.commands.runs).toHaveLength(1);
    const { text, ctx } = harness.commands.runs[0]!;
    expect(text).toBe('status backup');
    expect(ctx.platform).toBe('slack');
    expect(ctx.teamId).toBe('slack:T0TEAM001');
    expect(ctx.userId).toBe('U0USER001');
    expect(ctx.channelId).toBe('C0CHAN001');
    expect(ctx.userTimezone).toBe('Europe/Berlin');
    expect(typeof ctx.resolveChannel).toBe('function');
  });

  it('resolves channels typed in a command', async () => {
    harness.slackApi.addChannel('C0FINANCE', 'finance');
    await postSigned(
      harness.url,
      SIGNING_SECRET,
      commandBody('new report every 1 hour in #finance'),
    );
    const resolveChannel = harness.commands.runs[0]!.ctx.resolveChannel!;

    expect(await resolveChannel('#finance')).toBe('C0FINANCE');
    expect(await resolveChannel('<#C0MENTION1|ops>')).toBe('C0MENTION1');
    expect(await resolveChannel('C0DIRECT01')).toBe('C0DIRECT01');
    expect(await resolveChannel('#no-such-channel')).toBeNull();
  });

  it('caches the user zone between commands', async () => {
    await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));
    await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));

    expect(harness.commands.runs).toHaveLength(2);
    expect(harness.commands.runs[1]!.ctx.userTimezone).toBe('Europe/Berlin');
    expect(harness.slackApi.callsTo('users.info')).toHaveLength(1);
  });

  it('runs without a zone when users.info fails', async () => {
    const body = commandBody('list', 'r1', 'U0UNKNOWN');
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    expect(harness.commands.runs[0]!.ctx.userTimezone).toBeNull();
  });

  it('sends a slow reply through response_url', async () => {
    harness.commands.runDelayMs = 3500;
    const response = await postSigned(harness.url, SIGNING_SECRET, commandBody('new slow', 'slow'));
    const answeredAt = performance.now();

    // Slack shows the user an error when the response takes more than 3 s.
    expect(response.elapsedMs).toBeLessThan(3000);
    expect(harness.commands.runs[0]!.finishedAt).toBeNull();
    const answer = JSON.parse(response.text) as EphemeralAnswer;
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(/Working on it/);

    await harness.slackApi.waitFor(() => harness.slackApi.postsTo('slow').length > 0, 5000);
    const [post] = harness.slackApi.postsTo('slow');
    expect(post!.body.response_type).toBe('ephemeral');
    expect(post!.body.text).toBe(replyFor('new slow').summary);
    expect(Array.isArray(post!.body.blocks)).toBe(true);
    expect(harness.commands.runs[0]!.finishedAt).toBeGreaterThan(answeredAt);
  });

  it('replies to a failing core with an error', async () => {
    harness.commands.runError = new Error('Redis connection lost at 10.0.0.5');
    const response = await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));

    expect(response.status).toBe(200);
    const answer = JSON.parse(response.text) as EphemeralAnswer;
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(/^:warning: Drumbeat could not finish/);
    expect(response.text).not.toContain('Redis connection lost');
  });

  it('runs a repeated delivery once', async () => {
    const body = commandBody('pause backup');
    const first = await postSigned(harness.url, SIGNING_SECRET, body);
    const retry = await postSigned(harness.url, SIGNING_SECRET, body, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(harness.commands.runs).toHaveLength(1);
    expect(JSON.parse(retry.text)).toEqual(JSON.parse(first.text));
  });

  it('runs two uses of the same text twice', async () => {
    await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));
    await postSigned(harness.url, SIGNING_SECRET, commandBody('list'));

    expect(harness.commands.runs).toHaveLength(2);
  });

  it('accepts any command name', async () => {
    const body = slashCommandBody({
      command: '/drumbeat-staging',
      text: 'help',
      responseUrl: harness.slackApi.responseUrl('r1'),
    });
    const response = await postSigned(harness.url, SIGNING_SECRET, body);

    expect(response.status).toBe(200);
    expect(harness.commands.runs.map((run) => run.text)).toEqual(['help']);
  });
});

describe('slash command clock', () => {
  it('gives the core the injected time', async () => {
    // A clock one minute ahead stays inside the signature window on both checks.
    const offsetMs = 60_000;
    let lastNow = 0;
    const harness = await startHarness({
      now: () => {
        lastNow = Date.now() + offsetMs;
        return lastNow;
      },
    });
    try {
      const body = slashCommandBody({
        text: 'list',
        responseUrl: harness.slackApi.responseUrl('r'),
      });
      const before = Date.now();
      await postSigned(harness.url, SIGNING_SECRET, body);

      const ctxNow = harness.commands.runs[0]!.ctx.now;
      expect(ctxNow).toBeGreaterThanOrEqual(before + offsetMs);
      expect(ctxNow).toBeLessThanOrEqual(lastNow);
    } finally {
      await harness.close();
    }
  });
});
