// Property-based test of the ping API over raw TCP against the real service: any method, path,
// header and body bytes. Every request gets a status below 500 (or, for a request the parser
// cannot frame, a closed connection), the process neither crashes nor logs an unhandled
// rejection, and the stored ping history keeps to its bounds.

import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { DEFAULT_STORE_LIMITS, MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { PrivateRedis } from '../support/private-redis.js';
import { connectTestRedis } from '../support/redis.js';
import { ServiceProcess } from '../support/service.js';

const BODY_LIMIT_BYTES = 1024;
const TEAM = 'cli:fuzz';

let service: ServiceProcess;
let redis: Redis;
let store: MonitorStore;
let monitors: Monitor[];
let pingKey: string;

beforeAll(async () => {
  service = await ServiceProcess.start({
    PING_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    PING_RATE_PER_MINUTE: '100000',
    LOG_LEVEL: 'info',
  });
  redis = connectTestRedis();
  const keys = new Keys(service.keyPrefix);
  store = new MonitorStore(redis, keys);
  const teams = new TeamStore(redis, keys);
  monitors = [];
  for (const name of ['fuzz-one', 'fuzz-two']) {
    const monitor = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId: TEAM,
        platform: 'cli',
        channelId: 'C0FUZZ',
        name,
        schedule: { kind: 'interval', periodSeconds: 3600 },
        graceMs: 60_000,
        maxRuntimeMs: null,
        createdBy: 'fuzz',
      },
      Date.now(),
    );
    await store.create(monitor);
    monitors.push(monitor);
  }
  pingKey = await teams.ensurePingKey(TEAM);
  await teams.setDefaultChannel(TEAM, 'cli', 'C0FUZZ');
}, 30_000);

afterAll(async () => {
  await service?.destroy();
  await redis?.quit();
});

interface RawResponse {
  /** The status code, or null when the server closed the connection without one. */
  status: number | null;
  head: string;
}

/**
 * Sends raw bytes on a fresh connection and reads the response's status line and headers. The
 * request asks for `Connection: close`. A request that leaves the server waiting for more
 * bytes is half-closed after 2 s, which is how a client says it has nothing more to send.
 */
function sendRaw(port: number, request: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const halfClose = setTimeout(() => socket.end(), 2000);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer within 5 s to ${JSON.stringify(request.subarray(0, 200).toString('latin1'))}`,
        ),
      );
    }, 5000);
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(halfClose);
      // Skip interim responses such as 100 Continue, and read the final one.
      const heads = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n');
      const head = heads.find((part) => /^HTTP\/1\.[01] [2-5]\d\d/.test(part)) ?? '';
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      resolve({ status: status === undefined ? null : Number(status), head });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => socket.write(request));
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const methodArbitrary = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 1, arbitrary: fc.constantFrom('get', 'BREW', '', 'GET GET', 'PRI') },
);
const SEGMENTS = ['start', 'fail', 'log', '0', '1', '255', '256', '-1', '007', '1e2', 'START', ''];

function pathArbitrary(): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...monitors.map((monitor) => monitor.token)) },
    { weight: 1, arbitrary: fc.constantFrom(...monitors.map((m) => m.token.toUpperCase())) },
    { weight: 1, arbitrary: fc.constant(randomUUID()) },
    { weight: 2, arbitrary: fc.constant(pingKey) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
  const segment = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SEGMENTS) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('fuzz-one', 'made-by-ping', 'Bad Slug!', '%2F', '%ZZ', '%00'),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map(encodeURIComponent),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constant(`?rid=${randomUUID()}`),
    fc.constantFrom('?rid=not-a-uuid', '?create=1', '?create=1&rid=', '?a=%zz', '?rid[]=x'),
    fc.string({ maxLength: 30 }).map((text) => `?${text}`),
  );
  const prefix = fc.oneof(
    { weight: 8, arbitrary: fc.constant('/ping/') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('//ping/', '/ping', '/PING/', '/ping//', 'ping/', '/'),
    },
  );
  return fc
    .tuple(prefix, token, fc.array(segment, { maxLength: 3 }), query, fc.boolean())
    .map(([start, first, rest, search, trailingSlash]) => {
      const path = [first, ...rest].join('/');
      return `${start}${path}${trailingSlash ? '/' : ''}${search}`;
    });
}

const headerArbitrary = fc.oneof(
  fc.constantFrom(
    'Content-Type: text/plain',
    'Content-Type: application/json; charset=utf-16',
    `User-Agent: ${'x'.repeat(5000)}`,
    'X-Forwarded-For: 300.1.1.1, ::1',
    'Access-Control-Request-Method: POST',
    'Expect: 100-continue',
    'Content-Encoding: gzip',
    'Transfer-Encoding: identity',
  ),
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
      fc.oneof(
        { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      ),
    )
    .map(([name, value]) => `${name}: ${value}`),
);

const bodyArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 3000 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 300_000 }).map((size) => new Uint8Array(size).fill(0xe2)),
  },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
);

/** How the body is framed: by Content-Length, chunked, or not at all (only bytes after the head). */
const framingArbitrary = fc.constantFrom('length', 'chunked', 'none');

function buildRequest(
  method: string,
  path: string,
  headers: string[],
  body: Uint8Array,
  framing: string,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers];
  let payload = Buffer.from(body);
  if (framing === 'length') lines.push(`Content-Length: ${payload.length}`);
  if (framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    const size = payload.length.toString(16);
    payload = Buffer.concat([
      Buffer.from(`${size}\r\n`),
      payload,
      Buffer.from(payload.length > 0 ? '\r\n0\r\n\r\n' : '\r\n'),
    ]);
  }
  lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

/** Requests any client could send: a known token, a real suffix, any body bytes. */
function wellFormedRequest(): fc.Arbitrary<Buffer> {
  const suffix = fc.oneof(
    fc.constantFrom('', '/start', '/fail', '/log'),
    fc.integer({ min: 0, max: 255 }).map((status) => `/${status}`),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.uuid({ version: 4 }).map((rid) => `?rid=${rid}`),
  );
  return fc
    .tuple(
      fc.constantFrom('GET', 'HEAD', 'POST', 'PUT'),
      fc.constantFrom(...monitors.map((monitor) => monitor.token)),
      suffix,
      query,
      bodyArbitrary,
    )
    .map(([method, token, end, search, body]) =>
      buildRequest(method, `/ping/${token}${end}${search}`, [], body, 'length'),
    );
}

/** Requests no client should send: odd methods, paths, headers and framing. */
function hostileRequest(): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      methodArbitrary,
      pathArbitrary(),
      fc.array(headerArbitrary, { maxLength: 4 }),
      bodyArbitrary,
      framingArbitrary,
    )
    .map(([method, path, headers, body, framing]) =>
      buildRequest(method, path, headers, body, framing),
    );
}

describe('ping API fuzzing', () => {
  it('never answers 5xx and keeps the history bounded', { timeout: 240_000 }, async () => {
    const statuses = new Map<number | null, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormedRequest(), hostileRequest()), async (request) => {
        const response = await sendRaw(service.port, request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status !== null) expect(response.status).toBeLessThan(500);
        if (response.status === 429) expect(response.head).toMatch(/\r\nRetry-After: \d+/i);
      }),
      { numRuns: 600 },
    );

    // The run reached the store: pings were taken and some were turned away.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(60);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);

    // The process is alive, and logged no unhandled rejection and no error.
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
    const errors = service.logs.filter((line) => (line.level ?? 0) >= 50);
    expect(errors).toEqual([]);
    expect(service.rawOutput).not.toContain('unhandled rejection');
    expect(service.rawOutput).not.toContain('UnhandledPromiseRejection');

    // The history of each monitor stays within its caps.
    for (const monitor of monitors) {
      const pings = await store.pings(monitor.id, 1000);
      expect(pings.length).toBeGreaterThan(0);
      expect(pings.length).toBeLessThanOrEqual(DEFAULT_STORE_LIMITS.pingHistory);
      for (const ping of pings) {
        expect(ping.body.length).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
        expect(ping.bodyBytesCut).toBeGreaterThanOrEqual(0);
      }
      const stored = await store.get(monitor.id);
      expect(stored?.monitor.openRuns.length).toBeLessThanOrEqual(20);
      const incidents = await store.incidents(monitor.id, 1000);
      expect(incidents.length).toBeLessThanOrEqual(DEFAULT_STORE_LIMITS.incidentHistory);
    }
  });

  it('answers only the documented 503 while Redis is down', { timeout: 120_000 }, async () => {
    const redisServer = await PrivateRedis.start();
    const downService = await ServiceProcess.start({
      REDIS_URL: redisServer.url,
      LOG_LEVEL: 'info',
    });
    try {
      await redisServer.stop();
      let unavailable = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(wellFormedRequest(), hostileRequest()), async (request) => {
          const response = await sendRaw(downService.port, request);
          if (response.status === null || response.status < 500) return;
          expect(response.status).toBe(503);
          expect(response.head).toMatch(/\r\nRetry-After: 5\r\n/i);
          unavailable += 1;
        }),
        { numRuns: 150 },
      );
      expect(unavailable).toBeGreaterThan(20);
      expect(downService.rawOutput).not.toContain('unhandled rejection');
      expect((await fetch(`${downService.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await downService.stop('SIGKILL');
      await redisServer.destroy();
    }
  });
});
