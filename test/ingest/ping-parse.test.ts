import { describe, expect, it } from 'vitest';
import {
  MAX_PING_URL_LENGTH,
  type PingParseResult,
  parsePingUrl,
} from '../../src/ingest/ping-parse.js';
import { RUN_ID, TOKEN } from './helpers.js';

function parsed(url: string): Extract<PingParseResult, { ok: true }> {
  const result = parsePingUrl(url);
  if (!result.ok)
    throw new Error(`expected ${url} to parse, got ${result.status} ${result.reason}`);
  return result;
}

function rejected(url: string): Extract<PingParseResult, { ok: false }> {
  const result = parsePingUrl(url);
  if (result.ok) throw new Error(`expected ${url} to be rejected, got ${JSON.stringify(result)}`);
  return result;
}

describe('parsePingUrl by token', () => {
  it.each([
    ['', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/1', 'fail', 1],
    ['/255', 'fail', 255],
    ['/007', 'fail', 7],
  ] as const)('reads suffix "%s" as %s with exit status %s', (suffix, kind, exitStatus) => {
    const result = parsed(`/ping/${TOKEN}${suffix}`);
    expect(result.target).toEqual({ kind: 'token', token: TOKEN });
    expect(result.kind).toBe(kind);
    expect(result.exitStatus).toBe(exitStatus);
    expect(result.rid).toBeNull();
  });

  it.each(['256', '-1', 'abc', '1.0', '+1', '99999999999', 'start2'])(
    'rejects exit status "%s" with 400',
    (status) => {
      const result = rejected(`/ping/${TOKEN}/${status}`);
      expect(result.status).toBe(400);
      expect(result.reason).toContain('invalid exit status');
      expect(result.reason).toContain(status);
    },
  );

  it('accepts an uppercase token and stores it lowercase', () => {
    expect(parsed(`/ping/${TOKEN.toUpperCase()}/START`).target).toEqual({
      kind: 'token',
      token: TOKEN,
    });
    expect(parsed(`/ping/${TOKEN.toUpperCase()}/START`).kind).toBe('start');
  });

  it('tolerates trailing and repeated slashes', () => {
    for (const url of [`/ping/${TOKEN}/`, `//ping//${TOKEN}//fail//`, `/ping/${TOKEN}/fail/`]) {
      expect(parsed(url).target).toEqual({ kind: 'token', token: TOKEN });
    }
    expect(parsed(`//ping//${TOKEN}//fail//`).kind).toBe('fail');
  });

  it('decodes percent-encoded segments', () => {
    const encodedToken = TOKEN.replace(/-/g, '%2D');
    const result = parsed(`/ping/${encodedToken}/%66ail`);
    expect(result.target).toEqual({ kind: 'token', token: TOKEN });
    expect(result.kind).toBe('fail');
  });

  it('never splits a segment on an encoded slash', () => {
    expect(rejected(`/ping/${TOKEN}%2Ffail`).status).toBe(404);
  });

  it('rejects a malformed percent escape with 400', () => {
    const result = rejected(`/ping/${TOKEN}/%E0%A4%A`);
    expect(result.status).toBe(400);
    expect(result.reason).toBe('invalid percent-encoding in the URL path');
  });

  it('keeps a decoded control character out of the reason', () => {
    const result = rejected(`/ping/${TOKEN}/a%0Ab%0D`);
    expect(result.status).toBe(400);
    expect(result.reason).not.toMatch(/[\r\n]/);
    expect(result.reason).toContain('a?b?');
  });

  it('ignores a fragment and unknown query parameters', () => {
    const result = parsed(`/ping/${TOKEN}/start?foo=bar&create=1#log`);
    expect(result.kind).toBe('start');
    expect(result.target).toEqual({ kind: 'token', token: TOKEN });
  });
});

describe('parsePingUrl not found', () => {
  it.each([
    '/ping',
    '/ping/',
    '/ping/not-a-uuid',
    `/ping/${TOKEN.slice(0, -1)}`,
    `/ping/${TOKEN}x`,
    `/ping/{${TOKEN}}`,
    `/ping/${TOKEN.replace(/-/g, '')}`,
    '/ping/a.b/c/d/e',
    '/ping/not a key/slug/start/extra',
    '/pong/x',
    '/',
  ])('answers 404 for %s', (url) => {
    const result = rejected(url);
    expect(result.status).toBe(404);
    expect(result.reason).toBe('not found');
  });

  it.each([
    [`/ping/${TOKEN}/start/extra`, '/ping/<uuid>'],
    [`/ping/${TOKEN}/1/2`, '/ping/<uuid>'],
    ['/ping/key_1/backup/start/extra', '/ping/<ping-key>/<slug>'],
  ])('says what may follow in %s', (url, form) => {
    const result = rejected(url);
    expect(result.status).toBe(404);
    expect(result.reason).toBe(
      `not found: ${form} takes at most one more segment: start, fail, log or an exit status 0-255`,
    );
  });
});

describe('parsePingUrl rid', () => {
  it('reads a UUID rid and lowercases it', () => {
    expect(parsed(`/ping/${TOKEN}/start?rid=${RUN_ID}`).rid).toBe(RUN_ID);
    expect(parsed(`/ping/${TOKEN}?rid=${RUN_ID.toUpperCase()}`).rid).toBe(RUN_ID);
  });

  it.each(['', 'abc', `${RUN_ID}0`, RUN_ID.replace(/-/g, ''), `{${RUN_ID}}`])(
    'rejects rid "%s" with 400',
    (rid) => {
      const result = rejected(`/ping/${TOKEN}?rid=${rid}`);
      expect(result.status).toBe(400);
      expect(result.reason).toBe('invalid rid: expected a UUID');
    },
  );

  it('rejects a rid given twice, even the same one, with 400', () => {
    for (const second of [RUN_ID, '00000000-0000-4000-8000-000000000009']) {
      const result = rejected(`/ping/${TOKEN}/start?rid=${RUN_ID}&rid=${second}`);
      expect(result.status).toBe(400);
      expect(result.reason).toBe('invalid rid: give it once');
    }
  });

  it('answers 404 before it checks the rid', () => {
    expect(rejected('/ping/not-a-uuid?rid=bad').status).toBe(404);
    expect(rejected(`/ping/${TOKEN}/start/x?rid=bad`).status).toBe(404);
  });

  it('checks the rid on slug URLs too', () => {
    expect(rejected('/ping/key_1/backup?rid=nope').status).toBe(400);
  });
});

describe('parsePingUrl by ping key and slug', () => {
  it.each([
    ['', 'success', null],
    ['/start', 'start', null],
    ['/fail', 'fail', null],
    ['/log', 'log', null],
    ['/0', 'success', 0],
    ['/3', 'fail', 3],
  ] as const)('reads suffix "%s" as %s', (suffix, kind, exitStatus) => {
    const result = parsed(`/ping/Key-AB_12/nightly-invoices${suffix}`);
    expect(result.target).toEqual({
      kind: 'slug',
      pingKey: 'Key-AB_12',
      slug: 'nightly-invoices',
      create: false,
    });
    expect(result.kind).toBe(kind);
    expect(result.exitStatus).toBe(exitStatus);
  });

  it('creates only with create=1', () => {
    const created = parsed('/ping/key/backup?create=1').target;
    expect(created).toEqual({ kind: 'slug', pingKey: 'key', slug: 'backup', create: true });
    for (const query of ['?create=true', '?create=0', '?create=', '']) {
      expect(parsed(`/ping/key/backup${query}`).target).toMatchObject({ create: false });
    }
  });

  it('accepts every character of a monitor name', () => {
    const slug = `db.backup_eu-1${'x'.repeat(50)}`;
    expect(slug).toHaveLength(64);
    expect(parsed(`/ping/key/${slug}`).target).toMatchObject({ slug });
  });

  it('lowercases the slug and keeps the ping key as sent', () => {
    expect(parsed('/ping/AbC/Backup').target).toMatchObject({ pingKey: 'AbC', slug: 'backup' });
  });

  it('rejects a bad exit status after the slug with 400', () => {
    expect(rejected('/ping/key/backup/256').status).toBe(400);
    expect(rejected('/ping/key/backup/abc').status).toBe(400);
  });

  it('answers 404 for a slug no monitor can have', () => {
    expect(rejected('/ping/key/back%20up').status).toBe(404);
    expect(rejected('/ping/key/-backup').status).toBe(404);
    expect(rejected('/ping/key/.backup').status).toBe(404);
    expect(rejected(`/ping/key/${'a'.repeat(65)}`).status).toBe(404);
    expect(rejected('/ping/k%24y/backup').status).toBe(404);
    expect(rejected('/ping/key/backup/start/more').status).toBe(404);
  });

  it('answers 400 when asked to create a slug no monitor can have', () => {
    const result = rejected('/ping/key/back%20up?create=1');
    expect(result.status).toBe(400);
    expect(result.reason).toContain('invalid slug');
  });

  it('reads a UUID first segment as a token, never as a ping key', () => {
    const result = rejected(`/ping/${TOKEN}/backup`);
    expect(result.status).toBe(400);
    expect(result.reason).toContain('invalid exit status');
  });
});

describe('parsePingUrl length', () => {
  it('answers 414 past the length limit', () => {
    const url = `/ping/${TOKEN}?pad=${'x'.repeat(MAX_PING_URL_LENGTH)}`;
    const result = rejected(url);
    expect(result.status).toBe(414);
    expect(result.reason).toContain(String(MAX_PING_URL_LENGTH));
  });

  it('accepts a URL of exactly the limit', () => {
    const base = `/ping/${TOKEN}?pad=`;
    const url = base + 'x'.repeat(MAX_PING_URL_LENGTH - base.length);
    expect(url.length).toBe(MAX_PING_URL_LENGTH);
    expect(parsed(url).kind).toBe('success');
  });
});
