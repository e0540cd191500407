import type { PingKind } from '../domain/types.js';
import type { PingTarget } from './recorder.js';

/** Maximum length of a request target (path and query) that the ping API reads; longer gets 414. */
export const MAX_PING_URL_LENGTH = 2048;

/** A ping request target that names a monitor and what the job reports. */
export interface ParsedPing {
  ok: true;
  target: PingTarget;
  kind: PingKind;
  /** The exit status from `/ping/<uuid>/<0-255>`, or null when the URL carries none. */
  exitStatus: number | null;
  /** The `rid` query parameter in lowercase, or null when it is absent. */
  rid: string | null;
}

/** A request target the ping API rejects, with the one-line reason sent as the body. */
export interface RejectedPing {
  ok: false;
  status: 400 | 404 | 414;
  reason: string;
}

export type PingParseResult = ParsedPing | RejectedPing;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PING_KEY_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
// The monitor-name rule of the chat commands: a `?create=1` ping creates a monitor of this name.
const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const INVALID_SLUG_REASON =
  'invalid slug: use 1-64 letters, digits, ".", "-" or "_", starting with a letter or digit';
const EXIT_STATUS_PATTERN = /^[0-9]{1,10}$/;
const MAX_EXIT_STATUS = 255;

const NOT_FOUND: RejectedPing = { ok: false, status: 404, reason: 'not found' };
const ACTIONS = 'start, fail, log or an exit status 0-255';
const TOKEN_PATH_TOO_LONG = reject(
  404,
  `not found: /ping/<uuid> takes at most one more segment: ${ACTIONS}`,
);
const SLUG_PATH_TOO_LONG = reject(
  404,
  `not found: /ping/<ping-key>/<slug> takes at most one more segment: ${ACTIONS}`,
);
const NO_PARAMS = new URLSearchParams();

type Action = Pick<ParsedPing, 'kind' | 'exitStatus'>;
type ActionResult = { ok: true; action: Action } | RejectedPing;

/**
 * Parses a ping request target such as `/ping/<uuid>/fail?rid=<uuid>` or
 * `/ping/<ping-key>/<slug>/7?create=1`. Empty segments are skipped, so repeated and trailing
 * slashes are tolerated, and each segment is percent-decoded on its own, so `%2F` never
 * splits one. A first segment in UUID form is always a token, never a ping key.
 */
export function parsePingUrl(rawUrl: string): PingParseResult {
  if (rawUrl.length > MAX_PING_URL_LENGTH) {
    return reject(414, `request URL too long: the limit is ${MAX_PING_URL_LENGTH} bytes`);
  }

  const { path, query } = splitUrl(rawUrl);
  const segments = decodeSegments(path);
  if (segments === null) return reject(400, 'invalid percent-encoding in the URL path');
  const [prefix, first, second, third, ...extra] = segments;
  if (prefix !== 'ping' || first === undefined) return NOT_FOUND;
  const isToken = UUID_PATTERN.test(first);
  if (isToken && third !== undefined) return TOKEN_PATH_TOO_LONG;
  if (extra.length > 0) return PING_KEY_PATTERN.test(first) ? SLUG_PATH_TOO_LONG : NOT_FOUND;

  // Most pings carry no query, and parsing an empty one still costs an object.
  const params = query === '' ? NO_PARAMS : new URLSearchParams(query);
  const route = isToken
    ? parseTokenRoute(first, second)
    : parseSlugRoute(first, second, third, params.get('create') === '1');
  if (!route.ok) return route;

  const rids = params.getAll('rid');
  if (rids.length > 1) return reject(400, 'invalid rid: give it once');
  const rid = parseRid(rids[0] ?? null);
  if (rid === undefined) return reject(400, 'invalid rid: expected a UUID');
  return { ok: true, target: route.target, ...route.action, rid };
}

type RouteResult = { ok: true; target: PingTarget; action: Action } | RejectedPing;

function parseTokenRoute(token: string, suffix?: string): RouteResult {
  const parsed = parseAction(suffix);
  if (!parsed.ok) return parsed;
  return { ok: true, target: { kind: 'token', token: token.toLowerCase() }, action: parsed.action };
}

function parseSlugRoute(
  pingKey: string,
  rawSlug: string | undefined,
  suffix: string | undefined,
  create: boolean,
): RouteResult {
  const slug = rawSlug?.toLowerCase();
  if (slug === undefined || !PING_KEY_PATTERN.test(pingKey)) return NOT_FOUND;
  if (!SLUG_PATTERN.test(slug)) return create ? reject(400, INVALID_SLUG_REASON) : NOT_FOUND;

  const parsed = parseAction(suffix);
  if (!parsed.ok) return parsed;
  return { ok: true, target: { kind: 'slug', pingKey, slug, create }, action: parsed.action };
}

function reject(status: RejectedPing['status'], reason: string): RejectedPing {
  return { ok: false, status, reason };
}

function splitUrl(rawUrl: string): { path: string; query: string } {
  const hashAt = rawUrl.indexOf('#');
  const withoutHash = hashAt === -1 ? rawUrl : rawUrl.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  if (queryAt === -1) return { path: withoutHash, query: '' };
  return { path: withoutHash.slice(0, queryAt), query: withoutHash.slice(queryAt + 1) };
}

/** Splits a path into non-empty, percent-decoded segments; returns null for a bad `%` escape. */
function decodeSegments(path: string): string[] | null {
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    if (!raw.includes('%')) {
      segments.push(raw);
      continue;
    }
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return null;
    }
  }
  return segments;
}

/** Returns null for an absent rid and undefined for one that is not a UUID. */
function parseRid(value: string | null): string | null | undefined {
  if (value === null) return null;
  return UUID_PATTERN.test(value) ? value.toLowerCase() : undefined;
}

function parseAction(segment: string | undefined): ActionResult {
  if (segment === undefined) return { ok: true, action: { kind: 'success', exitStatus: null } };

  const name = segment.toLowerCase();
  if (name === 'start' || name === 'fail' || name === 'log') {
    return { ok: true, action: { kind: name, exitStatus: null } };
  }

  const exitStatus = EXIT_STATUS_PATTERN.test(name) ? Number(name) : Number.NaN;
  if (!(exitStatus <= MAX_EXIT_STATUS)) {
    const excerpt = printable(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment);
    return reject(
      400,
      `invalid exit status "${excerpt}": expected 0-255, or start, fail or log after the monitor`,
    );
  }
  return { ok: true, action: { kind: exitStatus === 0 ? 'success' : 'fail', exitStatus } };
}

/** Replaces control and format characters, so a decoded segment cannot split the reason. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '?');
}
