import { Agent } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RUN_ID, send, startTestServer, type TestServer, TOKEN } from './helpers.js';

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
});

describe('ping routes by token', () => {
  it.each([
    ['', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/1', 'fail', 1],
    ['/255', 'fail', 255],
  ] as const)('records /ping/<uuid>%s as %s', async (suffix, kind, exitStatus) => {
    const answer = await send(server.port, `/ping/${TOKEN}${suffix}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('OK');
    expect(server.recorder.calls).toHaveLength(1);
    const call = server.recorder.calls[0]!;
    expect(call.target).toEqual({ kind: 'token', token: TOKEN });
    expect(call.input.kind).toBe(kind);
    expect(call.input.exitStatus).toBe(exitStatus);
    expect(call.input.rid).toBeNull();
  });

  it('passes the rid to the recorder', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}/start?rid=${RUN_ID}`);

    expect(answer.status).toBe(200);
    expect(server.recorder.calls[0]?.input.rid).toBe(RUN_ID);
    expect(server.recorder.calls[0]?.input.kind).toBe('start');
  });

  it('tolerates trailing, repeated and encoded slashes in the path', async () => {
    const first = await send(server.port, `//ping//${TOKEN}//fail/`);
    const second = await send(server.port, `/ping/${TOKEN.replace(/-/g, '%2d')}/`);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(server.recorder.calls.map((call) => call.input.kind)).toEqual(['fail', 'success']);
    expect(server.recorder.calls[1]?.target).toEqual({ kind: 'token', token: TOKEN });
  });
});

describe('ping routes by ping key and slug', () => {
  it.each([
    ['', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/42', 'fail', 42],
  ] as const)('records /ping/<key>/<slug>%s as %s', async (suffix, kind, exitStatus) => {
    const answer = await send(server.port, `/ping/team-key_1/stripe-sync${suffix}`);

    expect(answer.status).toBe(200);
    const call = server.recorder.calls[0]!;
    expect(call.target).toEqual({
      kind: 'slug',
      pingKey: 'team-key_1',
      slug: 'stripe-sync',
      create: false,
    });
    expect(call.input.kind).toBe(kind);
    expect(call.input.exitStatus).toBe(exitStatus);
  });

  it('asks the recorder to create the monitor with create=1', async () => {
    const answer = await send(server.port, `/ping/team-key/backup/start?create=1&rid=${RUN_ID}`);

    expect(answer.status).toBe(200);
    const call = server.recorder.calls[0]!;
    expect(call.target).toEqual({
      kind: 'slug',
      pingKey: 'team-key',
      slug: 'backup',
      create: true,
    });
    expect(call.input.rid).toBe(RUN_ID);
  });
});

describe('ping methods', () => {
  it.each(['GET', 'HEAD', 'POST', 'PUT'])('records a %s ping as success', async (method) => {
    const answer = await send(server.port, `/ping/${TOKEN}`, { method });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(method === 'HEAD' ? '' : 'OK');
    expect(server.recorder.calls).toHaveLength(1);
    expect(server.recorder.calls[0]?.input.method).toBe(method);
    expect(server.recorder.calls[0]?.input.kind).toBe('success');
  });

  it.each(['DELETE', 'PATCH', 'OPTIONS', 'PROPFIND'])(
    'answers a %s request 405 and records nothing',
    async (method) => {
      const answer = await send(server.port, `/ping/${TOKEN}/1`, { method });

      expect(answer.status).toBe(405);
      expect(answer.body).toBe('method not allowed: send pings with GET, HEAD, POST or PUT');
      expect(answer.headers.allow).toBe('GET, HEAD, POST, PUT');
      expect(server.recorder.calls).toHaveLength(0);
    },
  );

  it('answers a CORS preflight without recording a ping', async () => {
    const answer = await send(server.port, `/ping/${TOKEN}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://example.test', 'Access-Control-Request-Method': 'POST' },
    });

    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-methods']).toBe('*');
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(server.recorder.calls).toHaveLength(0);
  });
});

describe('ping answer headers', () => {
  const cases: Array<[string, string, number]> = [
    ['stored', `/ping/${TOKEN}`, 200],
    ['unknown token', '/ping/no-such-token', 404],
    ['bad exit status', `/ping/${TOKEN}/256`, 400],
    ['bad rid', `/ping/${TOKEN}?rid=1`, 400],
    ['long URL', `/ping/${TOKEN}?pad=${'x'.repeat(3000)}`, 414],
  ];

  it.each(cases)('sends the common headers when %s', async (_name, path, status) => {
    const answer = await send(server.port, path);

    expect(answer.status).toBe(status);
    expect(answer.headers['ping-body-limit']).toBe('100000');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    expect(answer.body).not.toContain('\n');
  });
});

describe('ping client details', () => {
  it('records the User-Agent and the remote address', async () => {
    await send(server.port, `/ping/${TOKEN}`, { headers: { 'User-Agent': 'curl/8.5.0' } });

    expect(server.recorder.calls[0]?.input.userAgent).toBe('curl/8.5.0');
    expect(server.recorder.calls[0]?.input.remoteAddress).toBe('127.0.0.1');
  });

  it('records a missing User-Agent as null and cuts a long one', async () => {
    await send(server.port, `/ping/${TOKEN}`);
    await send(server.port, `/ping/${TOKEN}`, { headers: { 'User-Agent': 'u'.repeat(500) } });

    expect(server.recorder.calls[0]?.input.userAgent).toBeNull();
    expect(server.recorder.calls[1]?.input.userAgent).toBe('u'.repeat(200));
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const headers = { 'X-Forwarded-For': '203.0.113.9, 10.0.0.1' };
    await send(server.port, `/ping/${TOKEN}`, { headers });
    expect(server.recorder.calls[0]?.input.remoteAddress).toBe('127.0.0.1');

    const behindProxy = await startTestServer({ trustProxy: true });
    try {
      await send(behindProxy.port, `/ping/${TOKEN}`, { headers });
      expect(behindProxy.recorder.calls[0]?.input.remoteAddress).toBe('203.0.113.9');
    } finally {
      await behindProxy.close();
    }
  });

  it('serves several pings on one keep-alive connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(300_000, 'b');
      const answers = [
        await send(server.port, `/ping/${TOKEN}/start`, { agent }),
        await send(server.port, `/ping/${TOKEN}`, { agent, method: 'POST', body: big }),
        await send(server.port, '/ping/unknown', { agent, method: 'POST', body: big }),
        await send(server.port, `/ping/${TOKEN}/fail`, { agent }),
      ];

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 200]);
      expect(server.recorder.calls.map((call) => call.input.kind)).toEqual([
        'start',
        'success',
        'fail',
      ]);
    } finally {
      agent.destroy();
    }
  });
});
