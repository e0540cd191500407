import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPingHandler } from '../../src/ingest/ping-handler.js';
import { StoreStalledError, StoreUnavailableError } from '../../src/ingest/recorder.js';
import {
  exchangeRaw,
  MemoryRecorder,
  memoryLogger,
  rawConnect,
  send,
  startTestServer,
  type TestServer,
  TOKEN,
} from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.recorder.calls.length = 0;
  server.recorder.respond = async () => ({ status: 'stored' });
  server.lines.length = 0;
});

describe('ping 404', () => {
  it('answers 404 when the recorder knows no such monitor', async () => {
    server.recorder.respond = async () => ({ status: 'not_found' });
    const answer = await send(server.port, `/ping/${TOKEN}`);

    expect(answer.status).toBe(404);
    expect(answer.body).toBe('not found');
    expect(server.recorder.calls).toHaveLength(1);
  });

  it.each(['/ping/1234', `/ping/${TOKEN}0`, '/ping/', '/ping'])(
    'answers 404 for %s without asking the recorder',
    async (path) => {
      const answer = await send(server.port, path);

      expect(answer.status).toBe(404);
      expect(answer.body).toBe('not found');
      expect(server.recorder.calls).toHaveLength(0);
    },
  );

  it('explains extra path segments', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}/start/now`);

    expect(answer.status).toBe(404);
    expect(answer.body).toBe(
      'not found: /ping/<uuid> takes at most one more segment: start, fail, log or an exit status 0-255',
    );
    expect(server.recorder.calls).toHaveLength(0);
  });
});

describe('ping 400', () => {
  it.each(['256', '-1', 'abc', '1e3'])('rejects exit status %s', async (status) => {
    const answer = await send(server.port, `/ping/${TOKEN}/${status}`);

    expect(answer.status).toBe(400);
    expect(answer.body).toBe(
      `invalid exit status "${status}": expected 0-255, or start, fail or log after the monitor`,
    );
    expect(server.recorder.calls).toHaveLength(0);
  });

  it('rejects a rid that is not a UUID', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}/start?rid=job-42`);

    expect(answer.status).toBe(400);
    expect(answer.body).toBe('invalid rid: expected a UUID');
    expect(server.recorder.calls).toHaveLength(0);
  });

  it('rejects a malformed percent escape', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}/%ZZ`);

    expect(answer.status).toBe(400);
    expect(answer.body).toBe('invalid percent-encoding in the URL path');
  });
});

describe('ping long URLs', () => {
  it('answers 414 for a URL over 2 KB', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}/${'a/'.repeat(1500)}`);

    expect(answer.status).toBe(414);
    expect(answer.body).toBe('request URL too long: the limit is 2048 bytes');
    expect(server.recorder.calls).toHaveLength(0);
  });

  it('answers 414 for a URL past the header size limit of node:http', async () => {
    const text = await exchangeRaw(
      server.port,
      `GET /ping/${'x'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 414 /);
    expect(text).toMatch(/\r\n\r\nrequest URL too long: the limit is 2048 bytes$/);
    expect((await send(server.port, `/ping/${TOKEN}`)).status).toBe(200);
  });

  it('answers 431 for headers past that limit', async () => {
    const text = await exchangeRaw(
      server.port,
      `GET /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(text).toMatch(/\r\n\r\nrequest headers too large: the limit is \d+ bytes$/);
    expect(server.recorder.calls).toHaveLength(0);
  });
});

describe('ping without a Host header', () => {
  it('stores the ping', async () => {
    const text = await exchangeRaw(
      server.port,
      `GET /ping/${TOKEN} HTTP/1.1\r\nConnection: close\r\n\r\n`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(server.recorder.calls).toHaveLength(1);
  });
});

describe('ping malformed requests', () => {
  it.each([
    ['a broken request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', `GET /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n`],
    ['an invalid Content-Length', `POST /ping/${TOKEN} HTTP/1.1\r\nContent-Length: ten\r\n\r\n`],
    ['an unknown method', `FOO /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ])('answers 400 to %s and keeps serving', async (_name, request) => {
    const text = await exchangeRaw(server.port, request);

    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(text).toContain('\r\nConnection: close\r\n');
    expect(text).toMatch(/\r\n\r\ninvalid HTTP request$/);
    expect(server.recorder.calls).toHaveLength(0);
    expect((await send(server.port, `/ping/${TOKEN}`)).status).toBe(200);
  });
});

describe('ping Expect header', () => {
  it('rejects an unknown Expect with 417', async () => {
    const text = await exchangeRaw(
      server.port,
      `POST /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 2\r\n\r\nok`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n/);
    expect(text).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(text).toMatch(
      /\r\n\r\nexpectation failed: the only Expect header taken is 100-continue$/,
    );
    expect(server.recorder.calls).toHaveLength(0);
  });

  it('takes a ping that expects 100-continue', async () => {
    const text = await exchangeRaw(
      server.port,
      `POST /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`,
    );

    expect(text).toContain('HTTP/1.1 200 OK\r\n');
    expect(server.recorder.calls).toHaveLength(1);
  });
});

describe('ping CONNECT', () => {
  it('rejects CONNECT to a ping with 405', async () => {
    const text = await exchangeRaw(
      server.port,
      `CONNECT /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );

    expect(text).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(text).toContain('\r\nAllow: GET, HEAD, POST, PUT\r\n');
    expect(text).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(text).toMatch(/\r\n\r\nmethod not allowed: send pings with GET, HEAD, POST or PUT$/);
    expect(server.recorder.calls).toHaveLength(0);
    expect((await send(server.port, `/ping/${TOKEN}`)).status).toBe(200);
  });

  it('rejects CONNECT to a host with 405', async () => {
    const text = await exchangeRaw(
      server.port,
      'CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n',
    );

    expect(text).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(text).toContain('\r\nAllow: GET, HEAD, POST, PUT\r\n');
    expect(text).toMatch(/\r\n\r\nmethod not allowed: this server does not take CONNECT requests$/);
  });

  it('survives a reset after CONNECT', async () => {
    const socket = await rawConnect(server.port);
    socket.write(`CONNECT /ping/${TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`);
    socket.resetAndDestroy();

    expect((await send(server.port, `/ping/${TOKEN}`)).status).toBe(200);
  });
});

describe('ping 429', () => {
  it('sends Retry-After from the recorder', async () => {
    server.recorder.respond = async () => ({
      status: 'rate_limited',
      retryAfterSeconds: 30,
      maxPings: 120,
      windowSeconds: 60,
    });
    const answer = await send(server.port, `/ping/${TOKEN}`);

    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('30');
    expect(answer.body).toBe(
      'rate limited: this monitor sent more than 120 pings a minute, retry later',
    );
    expect(answer.headers['ping-body-limit']).toBe('100000');
  });

  it('rounds a fractional wait up to whole seconds, at least 1', async () => {
    server.recorder.respond = async () => ({
      status: 'rate_limited',
      retryAfterSeconds: 0.2,
      maxPings: 5,
      windowSeconds: 10,
    });
    const first = await send(server.port, `/ping/${TOKEN}`);
    server.recorder.respond = async () => ({
      status: 'rate_limited',
      retryAfterSeconds: 2.5,
      maxPings: 5,
      windowSeconds: 10,
    });
    const second = await send(server.port, `/ping/${TOKEN}`);

    expect(first.headers['retry-after']).toBe('1');
    expect(second.headers['retry-after']).toBe('3');
    expect(first.body).toBe(
      'rate limited: this monitor sent more than 5 pings in 10 seconds, retry later',
    );
  });
});

describe('ping 503', () => {
  it('answers 503 with Retry-After when the store is unavailable', async () => {
    server.recorder.respond = async () => {
      throw new StoreUnavailableError('Redis write failed: connection refused');
    };
    const answer = await send(server.port, `/ping/${TOKEN}/fail`, { method: 'POST', body: 'x' });

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(answer.body).toBe('ping not stored: storage unavailable, retry later');
  });

  it('says a stalled ping may be stored', async () => {
    server.recorder.respond = async () => {
      throw new StoreStalledError('Redis did not respond for 5000 ms');
    };
    const answer = await send(server.port, `/ping/${TOKEN}`);

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toBe('ping may not be stored: storage did not answer in time, retry later');
  });

  it('answers 503 without a stack trace for any other error', async () => {
    server.recorder.respond = async () => {
      throw new TypeError('Cannot read properties of undefined');
    };
    const answer = await send(server.port, `/ping/${TOKEN}`);

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toBe('ping not stored: internal error, retry later');
    expect(answer.body).not.toContain('TypeError');
  });

  it('answers 503 when the recorder throws before it returns a promise', async () => {
    const throwing = {
      record(): never {
        throw new Error('synchronous failure');
      },
    };
    const { logger } = memoryLogger();
    const own = createServer(createPingHandler({ recorder: throwing, logger }));
    const port = await listenOn(own);
    try {
      expect((await send(port, `/ping/${TOKEN}`)).status).toBe(503);
    } finally {
      own.close();
    }
  });

  it('logs the error with pino and no token', async () => {
    // A server of its own, because the tests above already used up the log interval.
    const own = await startTestServer();
    own.recorder.respond = async () => {
      throw new StoreUnavailableError('Redis write failed');
    };
    try {
      await send(own.port, `/ping/${TOKEN}/start`);
    } finally {
      await own.close();
    }

    const errors = own.lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toBe('ping not stored');
    expect(errors[0]?.err).toMatchObject({ type: 'StoreUnavailableError' });
    expect(errors[0]?.pingKind).toBe('start');
    expect(JSON.stringify(own.lines)).not.toContain(TOKEN);
  });
});

describe('ping failure log', () => {
  it('logs repeated store failures once per 10 s with a count', async () => {
    const recorder = new MemoryRecorder();
    recorder.respond = async () => {
      throw new StoreUnavailableError('Redis write failed');
    };
    const { logger, lines } = memoryLogger();
    let nowMs = 1_000_000;
    const own = createServer(createPingHandler({ recorder, logger, now: () => nowMs }));
    const port = await listenOn(own);
    try {
      for (let i = 0; i < 4; i += 1) await send(port, `/ping/${TOKEN}`);
      nowMs += 10_000;
      await send(port, `/ping/${TOKEN}`);
    } finally {
      own.close();
    }

    const errors = lines.filter((line) => line.msg === 'ping not stored');
    expect(errors.map((line) => line.suppressed)).toEqual([0, 3]);
    expect(recorder.calls).toHaveLength(5);
  });

  it('logs the skipped count when pings are stored again', async () => {
    const recorder = new MemoryRecorder();
    const stored = recorder.respond;
    recorder.respond = async () => {
      throw new StoreUnavailableError('Redis write failed');
    };
    const { logger, lines } = memoryLogger();
    const own = createServer(createPingHandler({ recorder, logger, now: () => 1_000_000 }));
    const port = await listenOn(own);
    try {
      for (let i = 0; i < 4; i += 1) await send(port, `/ping/${TOKEN}`);
      recorder.respond = stored;
      expect((await send(port, `/ping/${TOKEN}`)).status).toBe(200);
      expect((await send(port, `/ping/${TOKEN}`)).status).toBe(200);
    } finally {
      own.close();
    }

    expect(lines.map((line) => line.msg)).toEqual(['ping not stored', 'ping storage back']);
    expect(lines[1]).toMatchObject({ level: 30, suppressed: 3 });
  });
});

function listenOn(own: Server): Promise<number> {
  return new Promise((resolve) => {
    own.listen(0, '127.0.0.1', () => resolve((own.address() as AddressInfo).port));
  });
}
