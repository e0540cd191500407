import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  commandPayload,
  discordSignature,
  generateTestKeyPair,
  pingPayload,
  postInteraction,
  signedHeaders,
} from '../../support/discord-signing.js';
import { type Harness, startHarness } from './harness.js';

// A fixed clock, so that timestamps at the edge of the window are exact.
const NOW_MS = Date.parse('2025-06-11T15:00:00.500Z');
const NOW_SEC = Math.floor(NOW_MS / 1000);

describe('interaction request verification', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness({ now: () => NOW_MS });
  });

  afterEach(async () => {
    await harness.close();
  });

  const ping = () => pingPayload(harness.actor.applicationId);

  it('answers a signed PING with PONG', async () => {
    const response = await postInteraction(harness.url, harness.keys, ping(), {
      timestampSec: NOW_SEC,
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ type: 1 });
  });

  it('rejects a signature by another key', async () => {
    const stranger = generateTestKeyPair();
    const response = await postInteraction(harness.url, stranger, ping(), {
      timestampSec: NOW_SEC,
    });

    expect(response.status).toBe(401);
  });

  it('rejects a body changed after signing', async () => {
    const signed = JSON.stringify(commandPayload(harness.actor, 'list'));
    const headers = signedHeaders(harness.keys, signed, { timestampSec: NOW_SEC });
    const changed = signed.replace(harness.actor.guildId, '900000000000000099');
    const response = await postInteraction(harness.url, harness.keys, changed, { headers });

    expect(response.status).toBe(401);
    expect(harness.commands.runs).toHaveLength(0);
  });

  it('rejects a request without signature headers', async () => {
    const response = await postInteraction(harness.url, harness.keys, ping(), {
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(401);
  });

  it('rejects a signature that is not hex', async () => {
    const body = JSON.stringify(ping());
    const headers = { ...signedHeaders(harness.keys, body, { timestampSec: NOW_SEC }) };
    headers['x-signature-ed25519'] = 'z'.repeat(128);
    const response = await postInteraction(harness.url, harness.keys, body, { headers });

    expect(response.status).toBe(401);
  });

  it('rejects a signature made over another timestamp', async () => {
    const body = JSON.stringify(ping());
    const headers = {
      ...signedHeaders(harness.keys, body, { timestampSec: NOW_SEC }),
      'x-signature-timestamp': String(NOW_SEC - 1),
    };
    const response = await postInteraction(harness.url, harness.keys, body, { headers });

    expect(response.status).toBe(401);
  });

  it('rejects a timestamp 301 seconds old', async () => {
    const response = await postInteraction(harness.url, harness.keys, ping(), {
      timestampSec: NOW_SEC - 301,
    });

    expect(response.status).toBe(401);
  });

  it('rejects a timestamp 301 seconds ahead', async () => {
    const response = await postInteraction(harness.url, harness.keys, ping(), {
      timestampSec: NOW_SEC + 301,
    });

    expect(response.status).toBe(401);
  });

  it('accepts timestamps 300 seconds either way', async () => {
    const past = await postInteraction(harness.url, harness.keys, ping(), {
      timestampSec: NOW_SEC - 300,
    });
    const future = await postInteraction(harness.url, harness.keys, ping(), {
      timestampSec: NOW_SEC + 300,
    });

    expect(past.status).toBe(200);
    expect(future.status).toBe(200);
  });

  it('verifies the raw bytes, not reserialised JSON', async () => {
    // `\u2705` escaped and `✅` literal parse to the same object but differ as bytes.
    const raw = `{"id":"1","application_id":"${harness.actor.applicationId}","type":1,"token":"t","note":"\\u2705 ✅"}`;
    const timestamp = String(NOW_SEC);
    const headers = {
      'content-type': 'application/json',
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': discordSignature(harness.keys.privateKey, timestamp, raw),
    };
    const response = await postInteraction(harness.url, harness.keys, raw, { headers });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ type: 1 });
  });

  it('rejects a signed body that is not JSON with 400', async () => {
    const response = await postInteraction(harness.url, harness.keys, 'not json', {
      timestampSec: NOW_SEC,
    });

    expect(response.status).toBe(400);
  });

  it('rejects an interaction type it does not handle with 400', async () => {
    const modalSubmit = { ...commandPayload(harness.actor, 'list'), type: 5 };
    const response = await postInteraction(harness.url, harness.keys, modalSubmit, {
      timestampSec: NOW_SEC,
    });

    expect(response.status).toBe(400);
  });
});
