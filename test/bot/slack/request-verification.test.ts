import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FORM_CONTENT_TYPE,
  postSigned,
  signedHeaders,
  slackSignature,
  slashCommandBody,
} from '../../support/slack-signing.js';
import { type Harness, SIGNING_SECRET, startHarness } from './harness.js';

describe('request verification', () => {
  let harness: Harness;
  let body: string;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  beforeEach(() => {
    harness.commands.runs.length = 0;
    body = slashCommandBody({ text: 'list', responseUrl: harness.slackApi.responseUrl('v') });
  });

  const nowSec = () => Math.floor(Date.now() / 1000);

  it('rejects a wrong signature with 401', async () => {
    const response = await postSigned(harness.url, 'another-secret', body);

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('rejects a body changed after signing', async () => {
    const headers = signedHeaders(SIGNING_SECRET, body);
    const response = await fetch(harness.url, {
      method: 'POST',
      headers,
      body: body.replace('text=list', 'text=delete+backup'),
    });

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('rejects a request without signature headers', async () => {
    const response = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE },
      body,
    });

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('rejects a timestamp 301 s old', async () => {
    const response = await postSigned(harness.url, SIGNING_SECRET, body, {
      timestampSec: nowSec() - 301,
    });

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('rejects a timestamp 302 s ahead', async () => {
    // One second more than the limit's edge, because the server may read its clock in the next
    // whole second, which would leave a 301 s lead at exactly 300 s.
    const response = await postSigned(harness.url, SIGNING_SECRET, body, {
      timestampSec: nowSec() + 302,
    });

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('accepts a timestamp 290 s old', async () => {
    const response = await postSigned(harness.url, SIGNING_SECRET, body, {
      timestampSec: nowSec() - 290,
    });

    expect(response.status).toBe(200);
    expect(harness.commands.runs).toHaveLength(1);
  });

  it('verifies the raw bytes of a form body', async () => {
    // `+`, `~` and `(` would change if the body were decoded and encoded again.
    const raw = slashCommandBody({
      text: 'x',
      responseUrl: harness.slackApi.responseUrl('v'),
    }).replace('text=x', 'text=pause+backup~nightly+(eu)');
    const response = await postSigned(harness.url, SIGNING_SECRET, raw);

    expect(response.status).toBe(200);
    expect(harness.commands.runs.map((run) => run.text)).toEqual(['pause backup~nightly (eu)']);
  });

  it('verifies a body with raw UTF-8', async () => {
    const raw = slashCommandBody({
      text: 'x',
      responseUrl: harness.slackApi.responseUrl('v'),
    }).replace('text=x', 'text=status+\u2705+backup');
    const response = await postSigned(harness.url, SIGNING_SECRET, raw);

    expect(response.status).toBe(200);
    expect(harness.commands.runs.map((run) => run.text)).toEqual(['status ✅ backup']);
  });

  it('verifies JSON with an escaped \\u2705', async () => {
    // Slack escapes non-ASCII characters in JSON. Parsing and serialising again would turn
    // the six characters `\u2705` into one and break the signature.
    const raw = '{"token":"t","challenge":"ok-\\u2705","type":"url_verification"}';
    const response = await postSigned(harness.url, SIGNING_SECRET, raw, {
      contentType: 'application/json',
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ challenge: 'ok-✅' });
  });

  it('matches Slack signing example', () => {
    // Secret, timestamp, body and signature of the worked example on Slack's page
    // "Verifying requests from Slack".
    const exampleBody = [
      'token=xyzz0WbapA4vBCDEFasx0q6G',
      'team_id=T1DC2JH3J',
      'team_domain=testteamnow',
      'channel_id=G8PSS9T3V',
      'channel_name=foobar',
      'user_id=U2CERLKJA',
      'user_name=roadrunner',
      'command=%2Fwebhook-collect',
      'text=',
      'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN',
      'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    ].join('&');

    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, exampleBody)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});
