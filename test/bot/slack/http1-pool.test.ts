// The HTTP/1.1 connection pool of alert delivery, against servers that write raw bytes. So each
// framing of a response (length, chunks, end of connection) and each early close is sent
// exactly as a server on the network could send it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Http1Pool, Http1RequestError } from '../../../src/bot/slack/http1-pool.js';

/** One request as the raw server read it. */
interface RawRequest {
  head: string;
  body: string;
}

type Respond = (socket: net.Socket, request: RawRequest) => void;

/** A server that reads requests with a content-length and lets the test write each response. */
class RawServer {
  connections = 0;
  readonly requests: RawRequest[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly server: net.Server,
    public respond: Respond,
  ) {}

  static async start(respond: Respond, secure?: tls.TlsOptions): Promise<RawServer> {
    let raw: RawServer | null = null;
    const onSocket = (socket: net.Socket) => raw!.accept(socket);
    const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
    raw = new RawServer(server, respond);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return raw;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = { head, body: buffer.toString('utf8', end + 4, end + 4 + length) };
        buffer = buffer.subarray(end + 4 + length);
        this.requests.push(request);
        this.respond(socket, request);
      }
    });
  }
}

const OK_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n';

function withLength(body: string, extraHead = ''): string {
  return `${OK_HEAD}${extraHead}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

let server: RawServer;
let pool: Http1Pool;

beforeAll(async () => {
  server = await RawServer.start(() => {});
});

afterEach(() => {
  pool?.close();
  server.connections = 0;
  server.requests.length = 0;
});

afterAll(async () => {
  await server.close();
});

function poolFor(port: number, maxSockets = 4, idleMs?: number): Http1Pool {
  const options = idleMs === undefined ? { maxSockets } : { maxSockets, idleMs };
  pool = new Http1Pool(new URL(`http://127.0.0.1:${port}/`), options);
  return pool;
}

function post(target: Http1Pool, body = '{"channel":"C1"}', timeoutMs = 2000) {
  return target.post(
    target.head('/api/chat.postMessage', { authorization: 'Bearer x' }),
    body,
    timeoutMs,
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Http1RequestError);
  return error as Error;
}

/** Resolves after `ms` milliseconds. */
function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Http1Pool requests', () => {
  it('sends the request line, headers and body', async () => {
    server.respond = (socket) => socket.write(withLength('{"ok":true}'));

    const response = await post(poolFor(server.port), '{"text":"ünïcode"}');

    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '11' },
      body: '{"ok":true}',
    });
    const [request] = server.requests;
    expect(request!.head.split('\r\n')).toEqual([
      'POST /api/chat.postMessage HTTP/1.1',
      `host: 127.0.0.1:${server.port}`,
      'authorization: Bearer x',
      `content-length: ${Buffer.byteLength('{"text":"ünïcode"}')}`,
    ]);
    expect(request!.body).toBe('{"text":"ünïcode"}');
  });

  it('reads a response sent one byte at a time', async () => {
    const body = '{"ok":true,"text":"naïve ✓"}';
    server.respond = (socket) => {
      const bytes = Buffer.from(withLength(body));
      let i = 0;
      const drip = () => {
        if (i >= bytes.length || socket.destroyed) return;
        socket.write(bytes.subarray(i, i + 1));
        i++;
        setImmediate(drip);
      };
      drip();
    };

    const response = await post(poolFor(server.port));

    expect(response.body).toBe(body);
  });

  it('reads a chunked body with extensions and trailers', async () => {
    server.respond = (socket) =>
      socket.write(
        `${OK_HEAD}transfer-encoding: chunked\r\n\r\n` +
          '5;name=value\r\n{"ok"\r\n' +
          '6\r\n:true}\r\n' +
          '0\r\nx-trailer: 1\r\n\r\n',
      );
    const target = poolFor(server.port);

    expect((await post(target)).body).toBe('{"ok":true}');
    // The whole response was read, so the connection takes the next request.
    expect((await post(target)).body).toBe('{"ok":true}');
    expect(server.connections).toBe(1);
  });

  it('skips an interim 100 Continue', async () => {
    server.respond = (socket) => socket.write(`HTTP/1.1 100 Continue\r\n\r\n${withLength('{}')}`);

    const response = await post(poolFor(server.port));

    expect(response.status).toBe(200);
    expect(response.body).toBe('{}');
  });

  it('reads a body that ends with the connection', async () => {
    server.respond = (socket) => socket.end(`${OK_HEAD}\r\n{"ok":true}`);
    const target = poolFor(server.port);

    expect((await post(target)).body).toBe('{"ok":true}');
    expect((await post(target)).body).toBe('{"ok":true}');
    expect(server.connections).toBe(2);
  });
});

describe('Http1Pool connections', () => {
  it('reuses a connection for the next request', async () => {
    server.respond = (socket) => socket.write(withLength('{}'));
    const target = poolFor(server.port);

    await post(target);
    await post(target);
    await post(target);

    expect(server.connections).toBe(1);
  });

  it('opens a new one after Connection: close', async () => {
    server.respond = (socket) => socket.write(withLength('{}', 'connection: close\r\n'));
    const target = poolFor(server.port);

    await post(target);
    await post(target);

    expect(server.connections).toBe(2);
  });

  it('keeps none past the Keep-Alive timeout', async () => {
    // A timeout of 1 s, less the second of margin, leaves no time to reuse the connection.
    server.respond = (socket) => socket.write(withLength('{}', 'keep-alive: timeout=1\r\n'));
    const target = poolFor(server.port);

    await post(target);
    await post(target);

    expect(server.connections).toBe(2);
  });

  it('closes one idle for idleMs', async () => {
    server.respond = (socket) => socket.write(withLength('{}'));
    const target = poolFor(server.port, 4, 50);

    await post(target);
    await post(target);
    await sleep(150);
    await post(target);

    expect(server.connections).toBe(2);
  });

  it('opens a new one when the server closed an idle one', async () => {
    server.respond = (socket) => {
      socket.write(withLength('{}'));
      setTimeout(() => socket.end(), 20);
    };
    const target = poolFor(server.port);
    await post(target);
    await sleep(100);

    const response = await post(target);

    expect(response.status).toBe(200);
    expect(server.connections).toBe(2);
  });

  it('drops a connection that sent more than the response', async () => {
    server.respond = (socket) => socket.write(`${withLength('{}')}HTTP/1.1 200 OK\r\n`);
    const target = poolFor(server.port);

    expect((await post(target)).body).toBe('{}');
    expect((await post(target)).body).toBe('{}');
    expect(server.connections).toBe(2);
  });

  it('drops a connection that sent bytes unasked', async () => {
    server.respond = (socket) => {
      socket.write(withLength('{}'));
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\n'), 20);
    };
    const target = poolFor(server.port);
    await post(target);
    await sleep(100);

    expect((await post(target)).status).toBe(200);
    expect(server.connections).toBe(2);
  });

  it('opens at most maxSockets connections', async () => {
    let open = 0;
    let maxOpen = 0;
    server.respond = (socket) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        socket.write(withLength('{}'));
      }, 30);
    };
    const target = poolFor(server.port, 2);

    const responses = await Promise.all(Array.from({ length: 7 }, () => post(target)));

    expect(responses.map((response) => response.status)).toEqual(Array(7).fill(200));
    expect(maxOpen).toBe(2);
    expect(server.connections).toBe(2);
  });

  it('fails waiting requests on close', async () => {
    server.respond = () => {};
    const target = poolFor(server.port, 1);
    const running = post(target);
    const waiting = post(target);
    await sleep(50);

    target.close();

    expect((await rejection(running)).message).toBe('the connection pool is closed');
    expect((await rejection(waiting)).message).toBe('the connection pool is closed');
    expect((await rejection(post(target))).message).toBe('the connection pool is closed');
  });
});

describe('Http1Pool failures', () => {
  it('fails a response cut short', async () => {
    server.respond = (socket) => socket.end(`${OK_HEAD}content-length: 50\r\n\r\n{"ok":`);

    const error = await rejection(post(poolFor(server.port)));

    expect(error.message).toBe('connection closed before the response ended');
  });

  it('fails an invalid status line', async () => {
    server.respond = (socket) => socket.write('SMTP ready\r\n\r\n');

    const error = await rejection(post(poolFor(server.port)));

    expect(error.message).toBe('invalid HTTP status line: "SMTP ready"');
  });

  it('fails headers that never end', async () => {
    server.respond = (socket) => socket.write(`${OK_HEAD}x-filler: ${'a'.repeat(70_000)}`);

    const error = await rejection(post(poolFor(server.port)));

    expect(error.message).toBe('response headers too large');
  });

  it('fails an invalid chunk size', async () => {
    server.respond = (socket) =>
      socket.write(`${OK_HEAD}transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);

    const error = await rejection(post(poolFor(server.port)));

    expect(error.message).toBe('invalid chunk size: "zz"');
  });

  it('times out a response that does not come', async () => {
    server.respond = () => {};

    const error = await rejection(post(poolFor(server.port), '{}', 150));

    expect(error.message).toBe('timed out after 150 ms');
  });

  it('rejects a header value with a line break', () => {
    const target = poolFor(server.port);

    expect(() => target.head('/api/x', { authorization: 'Bearer a\r\nx-evil: 1' })).toThrow(
      'header "authorization" contains a line break',
    );
  });
});

describe('Http1Pool over TLS', () => {
  let dir: string;
  let secure: RawServer;
  let cert: Buffer;

  beforeAll(async () => {
    // A certificate for 127.0.0.1 that only this test trusts.
    dir = mkdtempSync(join(tmpdir(), 'drumbeat-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'));
    secure = await RawServer.start((socket) => socket.write(withLength('{"ok":true}')), {
      key: readFileSync(join(dir, 'key.pem')),
      cert,
    });
  });

  afterAll(async () => {
    await secure?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts over a reused TLS connection', async () => {
    const target = new Http1Pool(new URL(`https://127.0.0.1:${secure.port}/`), {
      maxSockets: 2,
      tls: { ca: cert },
    });
    pool = target;

    expect((await post(target)).body).toBe('{"ok":true}');
    expect((await post(target)).body).toBe('{"ok":true}');
    expect(secure.connections).toBe(1);
  });

  it('fails a certificate it does not trust', async () => {
    const target = new Http1Pool(new URL(`https://127.0.0.1:${secure.port}/`), { maxSockets: 2 });
    pool = target;

    const error = await rejection(post(target));

    expect(error.message).toMatch(/self-signed certificate/);
  });
});
