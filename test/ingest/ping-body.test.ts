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

/** Sends `body` as a failure ping in chunks of `chunkBytes`, and returns the raw response. */
async function postChunked(port: number, body: Buffer, chunkBytes: number): Promise<string> {
  const socket = await rawConnect(port);
  const answer = readRaw(socket, /\r\n\r\nOK$/);
  const head = [`POST /ping/${TOKEN}/fail HTTP/1.1`, 'Host: x', 'Transfer-Encoding: chunked'];
  socket.write(`${[...head, 'Connection: close'].join('\r\n')}\r\n\r\n`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += chunkBytes) {
    const chunk = body.subarray(at, at + chunkBytes);
    chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  socket.write(Buffer.concat(chunks));
  socket.end('0\r\n\r\n');
  return answer;
}

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

  it('keeps the end of a 1 MiB POST', async () => {
    const { port, recorder } = await start();
    const body = Buffer.alloc(MiB, 'x');
    body.write('START', 0);
    const errorLine = 'Error: disk full\n';
    body.write(errorLine, MiB - errorLine.length);
    const answer = await send(port, `/ping/${TOKEN}`, { method: 'POST', body });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('OK');
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(recorder.calls).toHaveLength(1);
    const input = recorder.calls[0]!.input;
    expect(input.body).toHaveLength(100_000);
    expect(input.body.endsWith('xxxError: disk full\n')).toBe(true);
    expect(input.body).not.toContain('START');
    expect(input.bodyBytesCut).toBe(MiB - 100_000);
  });

  it('keeps the last chunks without Content-Length', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 1000 });
    const socket = await rawConnect(port);
    const answer = readRaw(socket, /\r\n\r\nOK$/);
    const head = [`POST /ping/${TOKEN} HTTP/1.1`, 'Host: x', 'Transfer-Encoding: chunked'];
    socket.write(`${[...head, 'Connection: close'].join('\r\n')}\r\n\r\n`);
    // Chunk i is 4,096 copies of the letter i % 26, so the kept letters show which chunks stayed.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < 64; i += 1) {
      const chunk = letters[i % 26]!.repeat(4096);
      socket.write(`${(4096).toString(16)}\r\n${chunk}\r\n`);
    }
    socket.end('0\r\n\r\n');

    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe('l'.repeat(1000));
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(64 * 4096 - 1000);
  });

  // 1,000 two-byte characters and a 17-byte ASCII line: the last 1,000 bytes start with the
  // second byte of an "é", which is cut too, so 491 whole ones stay.
  const accentedBody = `${'é'.repeat(1000)}Error: disk full\n`;
  const accentedKept = `${'é'.repeat(491)}Error: disk full\n`;
  const accentedCut = 2017 - 1000 + 1;

  it('keeps the same end of a body in one piece', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 1000 });
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body: accentedBody });

    expect(recorder.calls[0]?.input.body).toBe(accentedKept);
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(accentedCut);
  });

  it('keeps the same end of a body in 7-byte chunks', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 1000 });
    // An odd chunk size splits many of the two-byte characters between two chunks.
    const answer = await postChunked(port, Buffer.from(accentedBody), 7);

    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe(accentedKept);
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(accentedCut);
  });

  // Thousands of chunks make the reader drop its oldest ones in batches.
  it('keeps the end of a body in 1-byte chunks', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 10 });
    const answer = await postChunked(port, Buffer.from(`${'a'.repeat(2990)}0123456789`), 1);

    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe('0123456789');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(2990);
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
    expect(recorder.calls[0]?.input.body).toBe('6789abcdef');
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

  // "z", then the three bytes of U+20AC, then nine ASCII bytes: thirteen bytes in all.
  it.each([
    { limit: 11, kept: 'abcdefghi', cut: 4 },
    { limit: 10, kept: 'abcdefghi', cut: 4 },
    { limit: 12, kept: '€abcdefghi', cut: 1 },
  ])('cuts a split euro sign whole at limit $limit', async ({ limit, kept, cut }) => {
    const { port, recorder } = await start({ bodyLimitBytes: limit });
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body: 'z€abcdefghi' });

    expect(recorder.calls[0]?.input.body).toBe(kept);
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(cut);
  });

  it('cuts a split 4-byte character whole', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 5 });
    // U+1F600 is four bytes, so the last five bytes are three of its bytes and "ok".
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body: 'a😀ok' });

    expect(recorder.calls[0]?.input.body).toBe('ok');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(5);
  });

  it('stores a body at the limit unchanged', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 12 });
    // Within the limit, even a leading continuation byte stays, replaced as invalid UTF-8.
    const body = Buffer.concat([Buffer.from([0x82]), Buffer.from('€abcdefgh')]);
    await send(port, `/ping/${TOKEN}`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('\uFFFD€abcdefgh');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(0);
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

/** Encodes `text` as UTF-16BE, which Node's Buffer has no encoding name for. */
function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

const BOM_LE = Buffer.from([0xff, 0xfe]);
const BOM_BE = Buffer.from([0xfe, 0xff]);

describe('UTF-16 ping body', () => {
  // Out-File and `>` in Windows PowerShell 5.1 write UTF-16LE with a byte order mark.
  it('decodes UTF-16LE after its byte order mark', async () => {
    const { port, recorder } = await start();
    const body = Buffer.concat([BOM_LE, Buffer.from('Fehler: Datenträger voll\r\n', 'utf16le')]);
    expect(body.subarray(0, 8)).toEqual(Buffer.from([0xff, 0xfe, 0x46, 0, 0x65, 0, 0x68, 0]));
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('Fehler: Datenträger voll\r\n');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(0);
  });

  it('decodes UTF-16BE after its byte order mark', async () => {
    const { port, recorder } = await start();
    const body = Buffer.concat([BOM_BE, utf16be('Backup fehlgeschlagen: Größe 0\n')]);
    expect(body.subarray(0, 6)).toEqual(Buffer.from([0xfe, 0xff, 0, 0x42, 0, 0x61]));
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('Backup fehlgeschlagen: Größe 0\n');
  });

  it.each([
    ['UTF-16LE', Buffer.from('robocopy: ERROR 5 (0x00000005)\r\n', 'utf16le')],
    ['UTF-16BE', utf16be('robocopy: ERROR 5 (0x00000005)\r\n')],
  ])('decodes %s ASCII text without a mark', async (_name, body) => {
    const { port, recorder } = await start();
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('robocopy: ERROR 5 (0x00000005)\r\n');
  });

  it('decodes two characters without a mark', async () => {
    const { port, recorder } = await start();
    await send(port, `/ping/${TOKEN}/fail`, {
      method: 'POST',
      body: Buffer.from([0x6f, 0, 0x6b, 0]),
    });

    expect(recorder.calls[0]?.input.body).toBe('ok');
  });

  // 1,000 "x" and an error line after the mark, 2,034 bytes: the last 101 start with the second
  // byte of an "x", which is cut too, so 50 characters stay.
  it('keeps the mark of a body cut at an odd byte', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 101 });
    const text = `${'x'.repeat(1000)}Error: disk full`;
    const body = Buffer.concat([BOM_LE, Buffer.from(text, 'utf16le')]);
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe(text.slice(-50));
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(body.length - 100);
  });

  it('keeps the mark of a body sent in 1-byte chunks', async () => {
    const { port, recorder } = await start({ bodyLimitBytes: 20 });
    const body = Buffer.concat([BOM_BE, utf16be('Copying files... FAILED')]);
    const answer = await postChunked(port, body, 1);

    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(recorder.calls[0]?.input.body).toBe('... FAILED');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(body.length - 20);
  });

  // The mark, U+1F600 as the surrogate pair D83D DE00, then "ok": ten bytes in all.
  it.each([
    { limit: 6, cut: 6 },
    { limit: 7, cut: 6 },
    { limit: 8, cut: 2 },
  ])('cuts a split surrogate pair whole at limit $limit', async ({ limit, cut }) => {
    const { port, recorder } = await start({ bodyLimitBytes: limit });
    const body = Buffer.concat([BOM_LE, Buffer.from('😀ok', 'utf16le')]);
    expect(body).toEqual(Buffer.from([0xff, 0xfe, 0x3d, 0xd8, 0x00, 0xde, 0x6f, 0, 0x6b, 0]));
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe(cut === 2 ? '😀ok' : 'ok');
    expect(recorder.calls[0]?.input.bodyBytesCut).toBe(cut);
  });

  it('replaces an odd last byte', async () => {
    const { port, recorder } = await start();
    const body = Buffer.concat([BOM_LE, Buffer.from('done', 'utf16le'), Buffer.from([0x21])]);
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe('done\uFFFD');
  });

  it('keeps UTF-8 text with a few NUL bytes', async () => {
    const { port, recorder } = await start();
    const text = 'row 1\u0000 copied, disk at 91 %\nFehler: Datenträger voll\n';
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body: text });

    expect(recorder.calls[0]?.input.body).toBe(text);
  });

  it.each([
    // Little-endian 32-bit counters: every other pair of bytes is zero, but the other bytes
    // are not text.
    ['counters', Buffer.from(new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer)],
    ['a zip header', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0x08, 0, 0x21, 0x0b])],
    ['scattered bytes', Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 128) % 256))],
  ])('keeps binary %s as UTF-8', async (_name, body) => {
    const { port, recorder } = await start();
    await send(port, `/ping/${TOKEN}/fail`, { method: 'POST', body });

    expect(recorder.calls[0]?.input.body).toBe(body.toString('utf8'));
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
