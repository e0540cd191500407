import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordResult } from '../../src/ingest/recorder.js';
import { createHttpServer, originForm } from '../../src/ingest/server.js';
import {
  exchangeRaw,
  MemoryRecorder,
  memoryLogger,
  otherRoutesApp,
  RUN_ID,
  rawConnect,
  readRaw,
  send,
  startTestServer,
  type TestServer,
  TOKEN,
  waitFor,
} from './helpers.js';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

/** A promise with its resolve function, to hold a recorder call open. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('http server routing', () => {
  it('sends /healthz and other paths to the express app', async () => {
    server = await startTestServer();
    const health = await send(server.port, '/healthz');
    const other = await send(server.port, '/pingx/abc');

    expect(health.status).toBe(200);
    expect(health.body).toBe('express healthz');
    expect(health.headers['ping-body-limit']).toBeUndefined();
    expect(other.status).toBe(404);
    expect(other.headers['ping-body-limit']).toBeUndefined();
    expect(server.recorder.calls).toHaveLength(0);
  });

  it.each(['/ping', '/ping?x=1', '/ping/', '//ping/nope'])(
    'sends %s to the ping handler',
    async (path) => {
      server = await startTestServer();
      const answer = await send(server.port, path);

      expect(answer.status).toBe(404);
      expect(answer.body).toBe('not found');
      expect(answer.headers['ping-body-limit']).toBe('100000');
    },
  );

  it('rejects listen on a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { logger } = memoryLogger();
    const http = createHttpServer({
      recorder: new MemoryRecorder(),
      app: otherRoutesApp(),
      logger,
    });
    try {
      await expect(http.listen(port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      blocker.close();
      await http.close();
    }
  });
});

describe('http server close', () => {
  it('finishes an in-flight ping, then stops', async () => {
    server = await startTestServer();
    const { port, recorder, http } = server;
    // Long enough that only an explicit close ends the keep-alive connection within the test.
    http.server.keepAliveTimeout = 60_000;
    const pendingResult = deferred<RecordResult>();
    recorder.respond = () => pendingResult.promise;
    const agent = new Agent({ keepAlive: true });

    const inFlight = send(port, `/ping/${TOKEN}`, { agent });
    await waitFor(() => recorder.calls.length === 1);
    let closed = false;
    const closing = http.close().then(() => {
      closed = true;
    });

    await expect(rawConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);

    pendingResult.resolve({ status: 'stored' });
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('OK');
    expect(answer.headers.connection).toBe('close');
    await closing;
    expect(closed).toBe(true);
    agent.destroy();
  });

  it('closes idle keep-alive connections at once', async () => {
    server = await startTestServer();
    server.http.server.keepAliveTimeout = 60_000;
    const socket = await rawConnect(server.port);
    const raw = readRaw(socket);
    socket.write(`GET /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await waitFor(() => server?.recorder.calls.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));

    await server.http.close();
    // readRaw resolves once the server has closed the connection.
    const text = await raw;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toContain('Connection: keep-alive');
  });

  it('cuts connections still busy after the drain timeout', async () => {
    server = await startTestServer({ drainTimeoutMs: 100 });
    const { port, recorder, http, lines } = server;
    recorder.respond = () => new Promise<RecordResult>(() => {});

    const inFlight = send(port, `/ping/${TOKEN}`).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await waitFor(() => recorder.calls.length === 1);
    await http.close();

    expect(await inFlight).toBe('ECONNRESET');
    expect(lines.some((line) => line.msg === 'http server drain timed out')).toBe(true);
  });

  it('can be called twice', async () => {
    server = await startTestServer();
    const first = server.http.close();
    const second = server.http.close();

    expect(second).toBe(first);
    await first;
    expect(server.http.server.listening).toBe(false);
  });

  it('resolves when the server never listened', async () => {
    const { logger } = memoryLogger();
    const http = createHttpServer({
      recorder: new MemoryRecorder(),
      app: otherRoutesApp(),
      logger,
    });

    await expect(http.close()).resolves.toBeUndefined();
  });
});

describe('absolute-form request targets', () => {
  it('takes a ping with an absolute URL', async () => {
    server = await startTestServer();
    const text = await exchangeRaw(
      server.port,
      `GET http://pings.example/ping/${TOKEN}?rid=${RUN_ID} HTTP/1.1\r\nHost: pings.example\r\nConnection: close\r\n\r\n`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(server.recorder.calls).toHaveLength(1);
    expect(server.recorder.calls[0]?.input.rid).toBe(RUN_ID);
  });

  it('sends other absolute URLs to the express app', async () => {
    server = await startTestServer();
    const text = await exchangeRaw(
      server.port,
      'GET HTTP://pings.example/healthz HTTP/1.1\r\nHost: pings.example\r\nConnection: close\r\n\r\n',
    );

    expect(text).toMatch(/\r\n\r\nexpress healthz$/);
  });

  it.each([
    ['http://pings.example/ping/x?a=1', '/ping/x?a=1'],
    ['https://pings.example:8443/healthz', '/healthz'],
    ['http://pings.example?a=1', '/?a=1'],
    ['http://pings.example', '/'],
    ['/ping/x', '/ping/x'],
    ['*', '*'],
  ])('reads %s as %s', (url, expected) => {
    expect(originForm(url)).toBe(expected);
  });
});
