import { afterEach, describe, expect, it } from 'vitest';
import {
  rawConnect,
  readRaw,
  send,
  startTestServer,
  type TestServer,
  TOKEN,
  waitFor,
} from './helpers.js';

const MiB = 1024 * 1024;

let server: TestServer | null = null;

async function start(options: { bodyLimitBytes?: number } = {}): Promise<TestServer> {
  server = await startTestServer(options);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = null;
});

describe('ping body', () => {
  it('stores a small body whole', async () => {
    const { port, recorder } = await start();
    const answer = await send(port, `/ping/${TOKEN}/fail`, {
      method: 'POST',
      body: 'pg_dump: error: connection refused\n',
    });

    expect(answer.status).toBe(200);
    expect(recorder.calls[0]?.input.body).toBe('pg_dump: error: connection refused\n');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(0);
  });

  it('stores an empty body for a GET', async () => {
    const { port, recorder } = await start();
    await send(port, `/ping/${TOKEN}`);

    expect(recorder.calls[0]?.input.body).toBe('');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(0);
  });

  it('cuts a 1 MiB POST to the limit', async () => {
    const { port, recorder } = await start();
    const body = Buffer.alloc(MiB, 'x');
    body.write('START', 0);
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'POST', body });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('OK');
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(recorder.calls).toHaveLength(1);
    const input = recorder.calls[0]!.input;
    expect(input.body).toHaveLength(100_000);
    expect(input.body.startsWith('STARTxxx')).toBe(true);
    expect(input.bodyBytesCut).toBe(MiB - 100_000);
  });

  it('counts a body sent in many chunks without Content-Length', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 1000 });
    const socket = await rawConnect(port);
    const answer = readRaw(socket, /\r\n\r\nOK$/);
    const head = [`POST /ping/${TOKEN} HTTP/1.1`, 'Host: x', 'Transfer-Encoding: chunked'];
    socket.write(`${[...head, 'Connection: close'].join('\r\n')}\r\n\r\n`);
    const chunk = 'y'.repeat(4096);
    for (let i = 0; i < 64; i += 1) socket.write(`${(4096).toString(16)}\r\n${chunk}\r\n`);
    socket.end('0\r\n\r\n');

    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe('y'.repeat(1000));
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(64 * 4096 - 1000);
  });

  it('sends 100 Continue before the body', async () => {
    const { port, recorder } = await start();
    const socket = await rawConnect(port);
    const interim = readRaw(socket, /100 Continue\r\n\r\n/);
    const head = [`POST /ping/${TOKEN}/fail HTTP/1.1`, 'Host: x', 'Content-Length: 5'];
    socket.write(`${[...head, 'Expect: 100-continue', 'Connection: close'].join('\r\n')}\r\n\r\n`);

    expect(await interim).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(recorder.calls).toHaveLength(0);
    const final = readRaw(socket);
    socket.end('oops!');
    expect(await final).toMatch(/HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe('oops!');
  });

  it('honours a configured limit and sends it in Ping-Body-Limit', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 10 });
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'PUT', body: '0123456789abcdef' });

    expect(answer.headers['ping-body-limit']).toBe('10');
    expect(recorder.calls[0]?.input.body).toBe('0123456789');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(6);
  });

  it('stores no body with a limit of 0 but counts it', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 0 });
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'POST', body: 'hello' });

    expect(answer.status).toBe(200);
    expect(answer.headers['ping-body-limit']).toBe('0');
    expect(recorder.calls[0]?.input.body).toBe('');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(5);
  });

  it('cuts before a character the limit would split', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 10 });
    // Nine ASCII bytes, then the three bytes of U+20AC: the limit falls inside the euro sign.
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body: 'abcdefghi€z' });

    // Thirteen bytes in all: nine kept, the euro sign's three and the final "z" cut.
    expect(recorder.calls[0]?.input.body).toBe('abcdefghi');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(4);
  });

  it('keeps a character that ends exactly at the limit', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 12 });
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body: 'abcdefghi€z' });

    expect(recorder.calls[0]?.input.body).toBe('abcdefghi€');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(1);
  });

  it('replaces invalid UTF-8 bytes', async () => {
    const { port, recorder } = await start();
    const body = Buffer.from([0x6f, 0x6b, 0xff, 0xfe, 0x21]);
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('ok\uFFFD\uFFFD!');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(0);
  });

  it('rejects a negative limit when the server is created', async () => {
    await expect(start({ bodyLimitBytes: -1 })).rejects.toThrow(/bodyLimitBytes/);
  });
});

describe('ping HEAD', () => {
  it('counts HEAD as a success and sends headers only', async () => {
    const { port, recorder } = await start();
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'HEAD' });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(answer.headers['content-length']).toBe('2');
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]?.input.kind).toBe('success');
    expect(recorder.calls[0]?.input.method).toBe('HEAD');
  });

  it('sends the status of an error without its body', async () => {
    const { port, recorder } = await start();
    recorder.respond = async () => ({ status: 'not_found' });
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'HEAD' });

    expect(answer.status).toBe(404);
    expect(answer.body).toBe('');
    expect(answer.headers['content-length']).toBe(String('not found'.length));
  });

  it('sends no body on the wire', async () => {
    const { port } = await start();
    const socket = await rawConnect(port);
    const raw = readRaw(socket);
    socket.end(`HEAD /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

    const text = await raw;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('ping aborted upload', () => {
  it('records nothing and keeps serving', async () => {
    const { port, recorder, lines } = await start();
    const socket = await rawConnect(port);
    socket.write(
      `POST /ping/${TOKEN}/fail HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\npartial body`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();

    await waitFor(() => lines.some((line) => line.msg === 'ping upload aborted by the client'));
    expect(recorder.calls).toHaveLength(0);

    const answer = await send(port, `/ping/${TOKEN}`);
    expect(answer.status).toBe(200);
    expect(recorder.calls).toHaveLength(1);
  });

  it('survives a client that leaves past the limit', async () => {
    const { port, recorder, lines } = await start({ bodyLimitBytes: 100 });
    const socket = await rawConnect(port);
    socket.write(`PUT /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: ${MiB}\r\n\r\n`);
    socket.write(Buffer.alloc(200_000, 'z'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();

    await waitFor(() => lines.some((line) => line.msg === 'ping upload aborted by the client'));
    expect(recorder.calls).toHaveLength(0);
    expect((await send(port, `/ping/${TOKEN}/log`)).status).toBe(200);
  });
});
