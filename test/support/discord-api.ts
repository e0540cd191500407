// A local stand-in for Discord's REST API (v10), for tests. It listens on 127.0.0.1 on a free
// port and speaks Discord's wire format: JSON bodies, `Authorization: Bot <token>` on bot
// routes, errors as `{ message, code }`, and 429s with the `X-RateLimit-*` headers and body
// that Discord sends. It serves channel messages, interaction webhooks (with tokens that
// expire 15 minutes after the interaction), command registration and `GET /users/@me`.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { multipartBoundary, parseMultipart } from './multipart.js';

/** A failure that the next calls of a route get instead of their normal response. */
export type ScriptedFailure =
  /** HTTP 429 as Discord sends it. `headers: false` drops the headers, as some proxies do. */
  | { kind: 'rate_limited'; retryAfterSeconds: number; global?: boolean; headers?: boolean }
  /** An HTTP 5xx from Discord's edge. */
  | { kind: 'server_error'; status: number }
  /** A JSON error such as `{ code: 10003, message: 'Unknown Channel' }`. */
  | { kind: 'discord_error'; status: number; code: number; message: string }
  /** An HTML page in place of the API's response, as a proxy or captive portal sends it. */
  | { kind: 'html_page'; status: number; html: string }
  /** Carries the call out, then closes the connection without a response. */
  | { kind: 'drop_answer' }
  /**
   * Carries the call out, then responds with its status and the JSON body that `rewrite` makes
   * of the normal one, as a proxy that changes responses would.
   */
  | { kind: 'rewrite_answer'; rewrite: (body: unknown) => unknown };

export const UNKNOWN_CHANNEL: ScriptedFailure = {
  kind: 'discord_error',
  status: 404,
  code: 10003,
  message: 'Unknown Channel',
};

export interface RecordedCall {
  method: string;
  /** The path after `/api/v10`, such as `/channels/123/messages`. */
  path: string;
  body: Record<string, unknown> | unknown[] | null;
  authorization: string | null;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  status: number;
  /** The files of a multipart request, whose JSON body came in its `payload_json` part. */
  files: UploadedFile[];
}

/** A file part of a multipart request, such as `files[0]`. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string | null;
  data: Buffer;
}

export interface MessageVersion {
  content: string | null;
  embeds: unknown[];
  components: unknown[];
}

export interface StoredMessage extends MessageVersion {
  id: string;
  channelId: string;
  /** The message this one replies to, from `message_reference`. */
  replyTo: string | null;
  nonce: string | null;
  createdAt: number;
  /** Earlier versions, oldest first. Each edit adds the version it replaced. */
  edits: MessageVersion[];
  /** Files sent with the message as multipart parts. */
  attachments: UploadedFile[];
}

interface InteractionRecord {
  createdAt: number;
  /** For a component interaction, the message it came from: `@original` is that message. */
  message: { channelId: string; messageId: string } | null;
  originalEdits: Record<string, unknown>[];
  followUps: Record<string, unknown>[];
}

export interface DiscordApiStandInOptions {
  botToken?: string;
  applicationId?: string;
}

/** Discord invalidates interaction tokens this long after the interaction. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Discord checks message nonces for uniqueness over "the past few minutes". */
const NONCE_WINDOW_MS = 5 * 60_000;

type Answer = { status: number; body: unknown };
type Route = {
  method: string;
  pattern: RegExp;
  handle: (match: string[], call: RecordedCall) => Answer;
};

export class DiscordApiStandIn {
  readonly calls: RecordedCall[] = [];
  readonly commandRegistrations: { guildId: string | null; commands: unknown[] }[] = [];

  private readonly channels = new Map<string, StoredMessage[]>();
  private readonly guildChannels: { guildId: string; id: string; name: string }[] = [];
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly failures: { method: string; path: string | RegExp; failure: ScriptedFailure }[] =
    [];
  private readonly routes: Route[];
  private idCounter = 0;
  private clockOffsetMs = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly identity: Required<DiscordApiStandInOptions>,
  ) {
    this.routes = [
      { method: 'GET', pattern: /^\/users\/@me$/, handle: () => this.currentUser() },
      {
        method: 'GET',
        pattern: /^\/guilds\/(\d+)\/channels$/,
        handle: (m) => this.listGuildChannels(m),
      },
      {
        method: 'POST',
        pattern: /^\/channels\/(\d+)\/messages$/,
        handle: (m, c) => this.createMessage(m, c),
      },
      {
        method: 'PATCH',
        pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
        handle: (m, c) => this.editMessage(m, c),
      },
      {
        method: 'PATCH',
        pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
        handle: (m, c) => this.editOriginal(m, c),
      },
      {
        method: 'POST',
        pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
        handle: (m, c) => this.followUp(m, c),
      },
      {
        method: 'PUT',
        pattern: /^\/applications\/(\d+)\/commands$/,
        handle: (m, c) => this.putCommands(m, null, c),
      },
      {
        method: 'PUT',
        pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        handle: (m, c) => this.putCommands(m, m[2] ?? null, c),
      },
    ];
  }

  static async start(options: DiscordApiStandInOptions = {}): Promise<DiscordApiStandIn> {
    const identity = {
      botToken: options.botToken ?? 'test-bot-token.discord.stand-in',
      applicationId: options.applicationId ?? '1200000000000000001',
    };
    let standIn: DiscordApiStandIn | undefined;
    const server = createServer((req, res) => {
      standIn?.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new DiscordApiStandIn(server, `http://127.0.0.1:${port}`, identity);
    return standIn;
  }

  /** The REST API base without the version, as discord.js's `api` option expects it. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  /** Returns the stand-in's clock, which decides when interaction tokens expire. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /**
   * Makes a text channel exist. Messages to any other channel get 404 Unknown Channel. With a
   * guild and name, it is also listed by `GET /guilds/<id>/channels`.
   */
  addChannel(channelId: string, place: { guildId: string; name: string } | null = null): void {
    if (!this.channels.has(channelId)) this.channels.set(channelId, []);
    if (place !== null) this.guildChannels.push({ ...place, id: channelId });
  }

  /**
   * Records an interaction that Discord sent, so that its token works on the webhook routes
   * for 15 minutes from now on the stand-in's clock.
   */
  registerInteraction(payload: {
    token: string;
    message?: { id: string; channel_id?: string };
  }): void {
    const message =
      payload.message === undefined
        ? null
        : { channelId: payload.message.channel_id ?? '', messageId: payload.message.id };
    this.interactions.set(payload.token, {
      createdAt: this.now(),
      message,
      originalEdits: [],
      followUps: [],
    });
  }

  /** Top-level messages and replies of a channel, in the order they were posted. */
  messagesIn(channelId: string): StoredMessage[] {
    return this.channels.get(channelId) ?? [];
  }

  message(channelId: string, messageId: string): StoredMessage | undefined {
    return this.messagesIn(channelId).find((message) => message.id === messageId);
  }

  repliesTo(channelId: string, messageId: string): StoredMessage[] {
    return this.messagesIn(channelId).filter((message) => message.replyTo === messageId);
  }

  /** Bodies of `PATCH …/messages/@original` made with an interaction's token. */
  originalEdits(token: string): Record<string, unknown>[] {
    return this.interactions.get(token)?.originalEdits ?? [];
  }

  followUps(token: string): Record<string, unknown>[] {
    return this.interactions.get(token)?.followUps ?? [];
  }

  callsTo(method: string, path: string | RegExp): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && matches(path, call.path));
  }

  /** Fails the next `times` calls of `method` on `path` with `failure`. */
  failNext(method: string, path: string | RegExp, failure: ScriptedFailure, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failures.push({ method, path, failure });
  }

  /** Resolves once `check` returns true, and rejects after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`Discord stand-in: ${what} not met in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(req.url ?? '/', this.origin);
    const request = parseRequestBody(await readBody(req), req.headers['content-type']);
    if (!url.pathname.startsWith('/api/v10/')) {
      sendJson(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const path = decodeURIComponent(url.pathname.slice('/api/v10'.length));
    const method = req.method ?? 'GET';
    const call: RecordedCall = {
      method,
      path,
      body: request.json === '' ? null : (JSON.parse(request.json) as RecordedCall['body']),
      authorization: req.headers.authorization ?? null,
      receivedAt,
      status: 0,
      files: request.files,
    };
    this.calls.push(call);

    const failure = this.takeFailure(method, path);
    if (failure !== undefined && !carriesCallOut(failure)) {
      call.status = sendFailure(res, failure, bucketOf(method, path), this.now());
      return;
    }
    const answer = this.route(method, path, call);
    call.status = answer.status;
    if (failure?.kind === 'drop_answer') {
      res.destroy();
      return;
    }
    const body = failure?.kind === 'rewrite_answer' ? failure.rewrite(answer.body) : answer.body;
    sendJson(res, answer.status, body, routeHeaders(method, path));
  }

  private takeFailure(method: string, path: string): ScriptedFailure | undefined {
    const index = this.failures.findIndex(
      (entry) => entry.method === method && matches(entry.path, path),
    );
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0]?.failure;
  }

  private route(method: string, path: string, call: RecordedCall): Answer {
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match === null) continue;
      const botRoute = !path.startsWith('/webhooks/');
      if (botRoute && call.authorization !== `Bot ${this.identity.botToken}`) {
        return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      }
      return route.handle([...match], call);
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private currentUser(): Answer {
    return {
      status: 200,
      body: { id: this.identity.applicationId, username: 'Drumbeat', bot: true },
    };
  }

  private listGuildChannels(match: string[]): Answer {
    const channels = this.guildChannels
      .filter((channel) => channel.guildId === match[1])
      .map((channel) => ({
        id: channel.id,
        name: channel.name,
        type: 0,
        guild_id: channel.guildId,
      }));
    return { status: 200, body: channels };
  }

  private createMessage(match: string[], call: RecordedCall): Answer {
    const channelId = match[1] ?? '';
    const messages = this.channels.get(channelId);
    if (messages === undefined) return unknownChannel();
    const body = (call.body ?? {}) as Record<string, unknown>;
    const nonce = typeof body.nonce === 'string' ? body.nonce : null;
    if (nonce !== null && body.enforce_nonce === true) {
      const earlier = messages.find(
        (message) => message.nonce === nonce && this.now() - message.createdAt < NONCE_WINDOW_MS,
      );
      if (earlier !== undefined) return { status: 200, body: messageJson(earlier) };
    }
    const reference = body.message_reference as { message_id?: string } | undefined;
    const message: StoredMessage = {
      id: this.nextId(),
      channelId,
      ...messageVersion(body),
      replyTo: reference?.message_id ?? null,
      nonce,
      createdAt: this.now(),
      edits: [],
      attachments: call.files,
    };
    messages.push(message);
    return { status: 200, body: messageJson(message) };
  }

  private editMessage(match: string[], call: RecordedCall): Answer {
    const channelId = match[1] ?? '';
    if (!this.channels.has(channelId)) return unknownChannel();
    const message = this.message(channelId, match[2] ?? '');
    if (message === undefined)
      return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    applyEdit(message, (call.body ?? {}) as Record<string, unknown>);
    return { status: 200, body: messageJson(message) };
  }

  private interactionFor(match: string[]): InteractionRecord | Answer {
    if (match[1] !== this.identity.applicationId)
      return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    const record = this.interactions.get(match[2] ?? '');
    if (record === undefined || this.now() - record.createdAt > INTERACTION_TOKEN_LIFETIME_MS) {
      return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    }
    return record;
  }

  private editOriginal(match: string[], call: RecordedCall): Answer {
    const record = this.interactionFor(match);
    if ('status' in record) return record;
    const body = (call.body ?? {}) as Record<string, unknown>;
    record.originalEdits.push(body);
    if (record.message !== null) {
      const message = this.message(record.message.channelId, record.message.messageId);
      if (message === undefined)
        return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      applyEdit(message, body);
      return { status: 200, body: messageJson(message) };
    }
    return { status: 200, body: { id: this.nextId(), ...body } };
  }

  private followUp(match: string[], call: RecordedCall): Answer {
    const record = this.interactionFor(match);
    if ('status' in record) return record;
    const body = (call.body ?? {}) as Record<string, unknown>;
    record.followUps.push(body);
    return { status: 200, body: { id: this.nextId(), ...body } };
  }

  private putCommands(match: string[], guildId: string | null, call: RecordedCall): Answer {
    if (match[1] !== this.identity.applicationId)
      return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    const commands = Array.isArray(call.body) ? call.body : [];
    this.commandRegistrations.push({ guildId, commands });
    const answer = commands.map((command) => ({
      ...(command as object),
      id: this.nextId(),
      application_id: this.identity.applicationId,
      ...(guildId === null ? {} : { guild_id: guildId }),
      version: this.nextId(),
    }));
    return { status: 200, body: answer };
  }

  private nextId(): string {
    this.idCounter += 1;
    return `${1_300_000_000_000_000_000n + BigInt(this.idCounter)}`;
  }
}

/** The failures that let the call take effect and change only its response. */
type CallOutFailure = Extract<ScriptedFailure, { kind: 'drop_answer' | 'rewrite_answer' }>;

function carriesCallOut(failure: ScriptedFailure): failure is CallOutFailure {
  return failure.kind === 'drop_answer' || failure.kind === 'rewrite_answer';
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function messageVersion(body: Record<string, unknown>): MessageVersion {
  return {
    content: typeof body.content === 'string' ? body.content : null,
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    components: Array.isArray(body.components) ? body.components : [],
  };
}

/** Applies an edit as Discord does: fields left out of the body keep their value. */
function applyEdit(message: StoredMessage, body: Record<string, unknown>): void {
  const { content, embeds, components } = message;
  message.edits.push({ content, embeds, components });
  if ('content' in body) message.content = typeof body.content === 'string' ? body.content : null;
  if (Array.isArray(body.embeds)) message.embeds = body.embeds;
  if (Array.isArray(body.components)) message.components = body.components;
}

function messageJson(message: StoredMessage) {
  return {
    id: message.id,
    channel_id: message.channelId,
    type: message.replyTo === null ? 0 : 19,
    content: message.content ?? '',
    embeds: message.embeds,
    components: message.components,
    nonce: message.nonce,
    ...(message.replyTo === null
      ? {}
      : { message_reference: { message_id: message.replyTo, channel_id: message.channelId } }),
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.edits.length === 0 ? null : new Date().toISOString(),
  };
}

function unknownChannel(): Answer {
  return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
}

/** Builds the headers Discord sends on every response of a route, with room left in the bucket. */
function routeHeaders(method: string, path: string): Record<string, string> {
  return {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset-after': '1',
    'x-ratelimit-bucket': bucketOf(method, path),
  };
}

function bucketOf(method: string, path: string): string {
  return Buffer.from(`${method} ${path.replace(/\d{5,}/g, ':id')}`)
    .toString('hex')
    .slice(0, 32);
}

function sendFailure(
  res: ServerResponse,
  failure: Exclude<ScriptedFailure, CallOutFailure>,
  bucket: string,
  nowMs: number,
) {
  if (failure.kind === 'server_error') {
    res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('upstream connect error');
    return failure.status;
  }
  if (failure.kind === 'html_page') {
    res.writeHead(failure.status, { 'content-type': 'text/html; charset=utf-8' }).end(failure.html);
    return failure.status;
  }
  if (failure.kind === 'discord_error') {
    sendJson(res, failure.status, { message: failure.message, code: failure.code });
    return failure.status;
  }
  const global = failure.global === true;
  const body = {
    message: 'You are being rate limited.',
    retry_after: failure.retryAfterSeconds,
    global,
  };
  const headers =
    failure.headers === false
      ? {}
      : rateLimitHeaders(failure.retryAfterSeconds, global, bucket, nowMs);
  sendJson(res, 429, body, headers);
  return 429;
}

/** Builds the headers of a 429 as Discord's rate-limit documentation shows them. */
function rateLimitHeaders(
  retryAfterSeconds: number,
  global: boolean,
  bucket: string,
  nowMs: number,
): Record<string, string> {
  // Discord rounds Retry-After up to whole seconds, and the body keeps the fraction.
  const retryAfter = String(Math.ceil(retryAfterSeconds));
  if (global)
    return {
      'retry-after': retryAfter,
      'x-ratelimit-global': 'true',
      'x-ratelimit-scope': 'global',
    };
  return {
    'retry-after': retryAfter,
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': ((nowMs + retryAfterSeconds * 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': String(retryAfterSeconds),
    'x-ratelimit-bucket': bucket,
    'x-ratelimit-scope': 'user',
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Splits a request body into its JSON text and files. A `multipart/form-data` body, as Discord
 * takes for attachments, carries the JSON in its `payload_json` part and each file in its own.
 */
function parseRequestBody(
  bytes: Buffer,
  contentType: string | undefined,
): { json: string; files: UploadedFile[] } {
  const boundary = multipartBoundary(contentType);
  if (boundary === null) return { json: bytes.toString('utf8'), files: [] };
  const parts = parseMultipart(bytes, boundary);
  const json = parts.find((part) => part.field === 'payload_json')?.data.toString('utf8') ?? '';
  const files = parts.flatMap(({ field, filename, contentType: type, data }) =>
    filename === null ? [] : [{ field, filename, contentType: type, data }],
  );
  return { json, files };
}
