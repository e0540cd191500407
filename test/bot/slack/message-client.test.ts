import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageClient } from '../../../src/bot/slack/message-client.js';
import { DeliveryError } from '../../../src/scheduler/notifier.js';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let apiUrl: string;
const received: Received[] = [];
let answer: (res: ServerResponse) => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
}

function client(timeoutMs = 2000): MessageClient {
  return new MessageClient({ apiUrl, token: 'xoxb-message-client', timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('MessageClient', () => {
  it('posts JSON with the bot token', async () => {
    answer = json(200, { ok: true, channel: 'C42', ts: '1700000000.000200' });
    const messages = client();
    const args = { channel: 'C42', text: 'job is late', metadata: { event_type: 'x' } };
    const result = await messages.call('chat.postMessage', args);
    messages.close();

    expect(result).toMatchObject({ channel: 'C42', ts: '1700000000.000200' });
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/api/chat.postMessage');
    expect(received[0]!.headers.authorization).toBe('Bearer xoxb-message-client');
    expect(received[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(received[0]!.body)).toEqual(args);
  });

  it('reuses one connection', async () => {
    answer = json(200, { ok: true, ts: '1' });
    const messages = client();
    const ports = new Set<number>();
    const seen = (socket: Socket) => ports.add(socket.remotePort ?? 0);
    server.on('connection', seen);
    for (let i = 0; i < 3; i++) await messages.call('chat.update', { channel: 'C1', ts: '1' });
    messages.close();
    server.off('connection', seen);
    expect(received.map((r) => r.url)).toEqual(Array(3).fill('/api/chat.update'));
    expect(ports.size).toBe(1);
  });

  it('429 gives Retry-After in ms', async () => {
    answer = json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    const error = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
    expect(error.permanent).toBe(false);
  });

  it('429 holds later calls to the channel', async () => {
    answer = json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    const messages = client();
    await failure(messages.call('chat.postMessage', { channel: 'C1' }));
    answer = json(200, { ok: true, ts: '1' });

    const heldPost = await failure(
      messages.call('chat.postMessage', { channel: 'C1', text: 'next' }),
    );
    const edit = await failure(messages.call('chat.update', { channel: 'C1', ts: '1' }));
    const other = await messages.call('chat.postMessage', { channel: 'C2', text: 'other' });
    messages.close();

    expect(heldPost.code).toBe('rate_limited');
    expect(heldPost.retryAfterMs).toBeGreaterThan(5000);
    expect(heldPost.retryAfterMs).toBeLessThanOrEqual(7000);
    expect(edit.code).toBe('rate_limited');
    expect(other.ts).toBe('1');
    // The held call never reached the server.
    expect(received.map((call) => JSON.parse(call.body).channel)).toEqual(['C1', 'C2']);
  });

  it('429 without Retry-After is unknown', async () => {
    answer = json(429, { ok: false, error: 'ratelimited' });
    const error = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect(error.code).toBe('unknown');
    expect(error.retryAfterMs).toBeNull();
    expect(error.permanent).toBe(false);
  });

  it('503 is transient, 403 permanent', async () => {
    answer = (res) => res.writeHead(503).end('busy');
    const transient = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect([transient.code, transient.permanent]).toEqual(['http_503', false]);

    answer = (res) => res.writeHead(403).end('no');
    const permanent = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect([permanent.code, permanent.permanent]).toEqual(['http_403', true]);
  });

  it('Slack error codes with advice', async () => {
    answer = json(200, { ok: false, error: 'channel_not_found' });
    const missing = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect([missing.code, missing.permanent]).toEqual(['channel_not_found', true]);
    expect(missing.message).toContain('Invite the app to the channel');

    answer = json(200, { ok: false, error: 'missing_scope', needed: 'chat:write' });
    const scope = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect(scope.message).toContain('(needed: chat:write)');

    answer = json(200, { ok: false, error: 'internal_error' });
    const internal = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect([internal.code, internal.permanent]).toEqual(['internal_error', false]);
  });

  it('body that is not JSON', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    const error = await failure(client().call('chat.postMessage', { channel: 'C1' }));
    expect([error.code, error.permanent]).toEqual(['unknown', false]);
  });

  it('timeout is a failed request', async () => {
    answer = () => {};
    const error = await failure(client(200).call('chat.postMessage', { channel: 'C1' }));
    expect(error.code).toBe('request_failed');
    expect(error.message).toContain('timed out after 200 ms');
  });

  it('timeout covers a slow response body', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    };
    const error = await failure(client(300).call('chat.postMessage', { channel: 'C1' }));
    expect(error.code).toBe('request_failed');
    expect(error.message).toContain('timed out after 300 ms');
  });

  it('timeout starts once a socket is free', async () => {
    // Each response takes 250 ms. The call after the 64 that fill the sockets waits about 250 ms
    // for one, so its response comes about 500 ms after the call, more than its 400 ms.
    const answerNow = json(200, { ok: true, ts: '1' });
    answer = (res) => setTimeout(() => answerNow(res), 250);
    const messages = client(400);
    const startedAt = Date.now();
    const calls = Array.from({ length: 65 }, () =>
      messages.call('chat.postMessage', { channel: 'C1' }).then(() => Date.now() - startedAt),
    );
    const took = await Promise.all(calls);
    messages.close();
    expect(received).toHaveLength(65);
    expect(Math.max(...took)).toBeGreaterThan(400);
  });

  it('closed port is a failed request', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const messages = new MessageClient({
      apiUrl: `http://127.0.0.1:${port}/api/`,
      token: 'xoxb-message-client',
      timeoutMs: 2000,
    });
    const error = await failure(messages.call('chat.postMessage', { channel: 'C1' }));
    expect(error.code).toBe('request_failed');
    expect(error.message).toContain('ECONNREFUSED');
  });
});
