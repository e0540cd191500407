// A local stand-in for the Slack Web API, for tests. It listens on 127.0.0.1 on a free port
// and speaks Slack's wire format: POST /api/<method> with a form-encoded or JSON body and a
// bearer token, to which it returns HTTP 200 and `{ ok: true, ... }` or `{ ok: false, error }`.
// It also serves response URLs (POST /response/<id>) and records what is posted to them.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { multipartBoundary, parseMultipart } from './multipart.js';

/** A failure the next calls of a method get instead of their normal response. */
export type ScriptedFailure =
  /** HTTP 429 with `Retry-After` in seconds, as Slack rate-limits. */
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  /** An HTTP error status, as from Slack's edge or a proxy. */
  | { kind: 'http_error'; status: number }
  /** HTTP 200 with `{ ok: false, error }`, such as `channel_not_found`. */
  | { kind: 'slack_error'; error: string }
  /** Carries the call out, then closes the connection without a response. */
  | { kind: 'drop_response' }
  /** Carries the call out at once, then sends its normal response after `delayMs`. */
  | { kind: 'delay'; delayMs: number };

/** A failure that every call of a method gets until a time, such as an outage. */
interface FailureWindow {
  method: string;
  failure: ScriptedFailure;
  until: number;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** When the stand-in received the call, epoch ms. */
  at: number;
  /** The error returned for the call, or null for `ok: true`. */
  failure: ScriptedFailure | { kind: 'slack_error'; error: string } | null;
}

export interface MessageVersion {
  text: string | null;
  blocks: unknown[] | null;
  metadata: unknown;
}

export interface StoredMessage extends MessageVersion {
  channel: string;
  ts: string;
  threadTs: string | null;
  /** Earlier versions, oldest first. Each `chat.update` adds the version it replaced. */
  edits: MessageVersion[];
  replies: StoredMessage[];
  /** Files shared with the message by files.completeUploadExternal. */
  files: UploadedFile[];
}

/** A file uploaded through files.getUploadURLExternal and its upload URL. */
export interface UploadedFile {
  id: string;
  name: string;
  title: string | null;
  altText: string | null;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** The bytes posted to the upload URL, or null until they arrive. */
  data: Buffer | null;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string | null;
  blocks: unknown[] | null;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

export interface SlackApiStandInOptions {
  token?: string;
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
}

/** Arguments sent as JSON strings inside a form body. */
const JSON_ARGUMENTS = new Set(['blocks', 'attachments', 'metadata', 'files']);

export type Answer = Record<string, unknown>;
export type MethodHandler = (args: Record<string, unknown>) => Answer;

export class SlackApiStandIn {
  readonly calls: RecordedCall[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];

  private readonly messages = new Map<string, StoredMessage[]>();
  private readonly users = new Map<string, { tz: string | null }>();
  private readonly channels: { id: string; name: string }[] = [];
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly windows: FailureWindow[] = [];
  private readonly handlers: Record<string, MethodHandler>;
  /** Tokens that methods added by `serveMethod` take instead of the bot token. */
  private readonly methodTokens = new Map<string, string>();
  private tsCounter = 0;
  private readonly uploads = new Map<string, UploadedFile>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly identity: Required<SlackApiStandInOptions>,
  ) {
    this.handlers = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.update': (args) => this.updateMessage(args),
      'chat.postEphemeral': (args) => this.postEphemeral(args),
      'users.info': (args) => this.userInfo(args),
      'conversations.history': (args) => this.history(args),
      'conversations.replies': (args) => this.replies(args),
      'conversations.list': () => ({ ok: true, channels: this.channels, response_metadata: {} }),
      'files.getUploadURLExternal': (args) => this.uploadUrl(args),
      'files.completeUploadExternal': (args) => this.completeUpload(args),
    };
  }

  static async start(options: SlackApiStandInOptions = {}): Promise<SlackApiStandIn> {
    const identity = {
      token: options.token ?? 'xoxb-test-token',
      teamId: options.teamId ?? 'T0TEAM001',
      teamName: options.teamName ?? 'Test Team',
      botUserId: options.botUserId ?? 'U0BOT0001',
      botId: options.botId ?? 'B0BOT0001',
    };
    let standIn: SlackApiStandIn | undefined;
    const server = createServer((req, res) => {
      standIn?.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new SlackApiStandIn(server, `http://127.0.0.1:${port}`, identity);
    return standIn;
  }

  /** The Web API base URL, ending with a slash, as `slackApiUrl` expects it. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  postsTo(responseId: string): ResponseUrlPost[] {
    return this.responsePosts.filter((post) => post.id === responseId);
  }

  /** Top-level messages of a channel, in the order they were posted. */
  messagesIn(channel: string): StoredMessage[] {
    return this.messages.get(channel) ?? [];
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  setUser(id: string, profile: { tz: string | null }): void {
    this.users.set(id, profile);
  }

  addChannel(id: string, name: string): void {
    this.channels.push({ id, name });
  }

  /**
   * Serves `method` with `handler`, for calls that carry `token` instead of the bot token,
   * such as `apps.connections.open` with an app-level token.
   */
  serveMethod(method: string, token: string, handler: MethodHandler): void {
    this.handlers[method] = handler;
    this.methodTokens.set(method, token);
  }

  /** Makes the next `times` calls of `method` fail with `failure`. */
  failNext(method: string, failure: ScriptedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.failures.set(method, queue);
  }

  /**
   * Makes every call of `method` fail with `failure` for the next `durationMs`, after the
   * calls queued by `failNext`. The method `*` matches every method.
   */
  failDuring(method: string, failure: ScriptedFailure, durationMs: number): void {
    this.windows.push({ method, failure, until: Date.now() + durationMs });
  }

  /** Resolves once `check` returns true, and rejects after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`Slack stand-in: condition not met in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');

    if (req.method === 'POST' && path.startsWith('/upload/')) {
      const upload = this.uploads.get(decodeURIComponent(path.slice('/upload/'.length)));
      // The upload URL takes the file's bytes as they are, or as the file part of a form.
      const boundary = multipartBoundary(req.headers['content-type']);
      const file =
        boundary === null ? null : parseMultipart(bytes, boundary).find((p) => p.filename !== null);
      if (upload !== undefined) upload.data = file?.data ?? bytes;
      res.writeHead(upload === undefined ? 404 : 200, { 'content-type': 'text/plain' });
      res.end(upload === undefined ? 'unknown upload' : `OK - ${upload.data?.length ?? 0}`);
      return;
    }

    if (req.method === 'POST' && path.startsWith('/response/')) {
      const id = decodeURIComponent(path.slice('/response/'.length));
      this.responsePosts.push({ id, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }

    const method = path.slice('/api/'.length);
    const args = parseArguments(raw, req.headers['content-type']);
    const token = bearerToken(req.headers.authorization) ?? stringOrNull(args.token);
    const call: RecordedCall = { method, args, token, at: Date.now(), failure: null };
    this.calls.push(call);

    const failure = this.failures.get(method)?.shift() ?? this.windowFailure(method, call.at);
    if (failure !== undefined && failure.kind !== 'drop_response' && failure.kind !== 'delay') {
      call.failure = failure;
      sendFailure(res, failure);
      return;
    }

    const expectedToken = this.methodTokens.get(method) ?? this.identity.token;
    const answer = token === expectedToken ? this.run(method, args) : fail('invalid_auth');
    if (answer.ok === false) call.failure = { kind: 'slack_error', error: String(answer.error) };
    if (failure?.kind === 'drop_response') {
      call.failure = failure;
      res.destroy();
      return;
    }
    if (failure?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (res.destroyed) return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer));
  }

  private windowFailure(method: string, at: number): ScriptedFailure | undefined {
    const window = this.windows.find(
      (candidate) =>
        (candidate.method === method || candidate.method === '*') && at < candidate.until,
    );
    return window?.failure;
  }

  private run(method: string, args: Record<string, unknown>): Answer {
    const handler = this.handlers[method];
    return handler === undefined ? fail('unknown_method') : handler(args);
  }

  private authTest(): Answer {
    const { teamId, teamName, botUserId, botId } = this.identity;
    return {
      ok: true,
      url: 'https://test-team.slack.com/',
      team: teamName,
      user: 'drumbeat',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
    };
  }

  private postMessage(args: Record<string, unknown>): Answer {
    const channel = stringOrNull(args.channel);
    if (channel === null) return fail('channel_not_found');
    const version = messageVersion(args);
    if (version.text === null && version.blocks === null) return fail('no_text');

    const threadTs = stringOrNull(args.thread_ts);
    const message: StoredMessage = {
      ...version,
      channel,
      ts: this.nextTs(),
      threadTs,
      edits: [],
      replies: [],
      files: [],
    };
    if (threadTs === null) {
      this.messages.set(channel, [...this.messagesIn(channel), message]);
    } else {
      // Stricter than Slack, which posts to the channel when the parent is unknown.
      const parent = this.findMessage(channel, threadTs);
      if (parent === undefined) return fail('thread_not_found');
      parent.replies.push(message);
    }
    return { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
  }

  private updateMessage(args: Record<string, unknown>): Answer {
    const channel = stringOrNull(args.channel) ?? '';
    const message = this.findMessage(channel, stringOrNull(args.ts) ?? '');
    if (message === undefined) return fail('message_not_found');

    const { text, blocks, metadata } = message;
    message.edits.push({ text, blocks, metadata });
    const next = messageVersion(args);
    message.text = next.text;
    message.blocks = next.blocks;
    if (next.metadata !== null) message.metadata = next.metadata;
    return { ok: true, channel, ts: message.ts, text: message.text };
  }

  private postEphemeral(args: Record<string, unknown>): Answer {
    const channel = stringOrNull(args.channel);
    const user = stringOrNull(args.user);
    if (channel === null) return fail('channel_not_found');
    if (user === null) return fail('user_not_found');
    const { text, blocks } = messageVersion(args);
    this.ephemerals.push({ channel, user, text, blocks });
    return { ok: true, message_ts: this.nextTs() };
  }

  private userInfo(args: Record<string, unknown>): Answer {
    const id = stringOrNull(args.user) ?? '';
    const user = this.users.get(id);
    if (user === undefined) return fail('user_not_found');
    return { ok: true, user: { id, name: id.toLowerCase(), tz: user.tz } };
  }

  private history(args: Record<string, unknown>): Answer {
    const channel = stringOrNull(args.channel) ?? '';
    const withMetadata = args.include_all_metadata === 'true' || args.include_all_metadata === true;
    const limit = Number(args.limit ?? 100);
    // Newest first, after `oldest` when given, and from the offset that `cursor` carries.
    const oldest = Number(args.oldest ?? 0);
    const start = Number(stringOrNull(args.cursor)?.replace(/^offset:/, '') ?? 0);
    const newer = [...this.messagesIn(channel)]
      .reverse()
      .filter((message) => Number(message.ts) > oldest);
    const page = newer.slice(start, start + limit);
    const hasMore = start + limit < newer.length;
    const messages = page.map((message) => ({
      type: 'message',
      ts: message.ts,
      text: message.text,
      ...(withMetadata && message.metadata !== null ? { metadata: message.metadata } : {}),
      ...(message.files.length > 0
        ? { files: message.files.map(({ id, name, title }) => ({ id, name, title })) }
        : {}),
    }));
    return {
      ok: true,
      messages,
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? `offset:${start + limit}` : '' },
    };
  }

  /** Lists a thread: the parent first, then its replies oldest first, as Slack does. */
  private replies(args: Record<string, unknown>): Answer {
    const channel = stringOrNull(args.channel) ?? '';
    const parent = this.findMessage(channel, stringOrNull(args.ts) ?? '');
    if (parent === undefined) return fail('thread_not_found');
    const withMetadata = args.include_all_metadata === 'true' || args.include_all_metadata === true;
    const limit = Number(args.limit ?? 100);
    const start = Number(stringOrNull(args.cursor)?.replace(/^offset:/, '') ?? 0);
    const thread = [parent, ...parent.replies];
    const page = thread.slice(start, start + limit);
    const hasMore = start + limit < thread.length;
    return {
      ok: true,
      messages: page.map((message) => ({
        type: 'message',
        ts: message.ts,
        thread_ts: parent.ts,
        text: message.text,
        ...(withMetadata && message.metadata !== null ? { metadata: message.metadata } : {}),
      })),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? `offset:${start + limit}` : '' },
    };
  }

  /** Files uploaded to a channel, in the order their messages were posted. */
  filesIn(channel: string): UploadedFile[] {
    return this.messagesIn(channel).flatMap((message) => message.files);
  }

  private uploadUrl(args: Record<string, unknown>): Answer {
    const name = stringOrNull(args.filename);
    const length = Number(args.length);
    if (name === null || !Number.isInteger(length) || length <= 0) return fail('invalid_arguments');
    const id = `F${String(this.uploads.size + 1).padStart(8, '0')}`;
    const altText = stringOrNull(args.alt_text);
    this.uploads.set(id, { id, name, title: null, altText, length, data: null });
    return { ok: true, file_id: id, upload_url: `${this.origin}/upload/${id}` };
  }

  private completeUpload(args: Record<string, unknown>): Answer {
    const entries = Array.isArray(args.files)
      ? (args.files as { id?: string; title?: string }[])
      : [];
    const files: UploadedFile[] = [];
    for (const entry of entries) {
      const upload = this.uploads.get(entry.id ?? '');
      // A file whose bytes never reached the upload URL cannot be completed. The error code is the
      // stand-in's own.
      if (upload === undefined || upload.data === null) return fail('file_uploads_failed');
      upload.title = entry.title ?? upload.name;
      files.push(upload);
    }
    if (files.length === 0) return fail('invalid_arguments');
    const channel = stringOrNull(args.channel_id);
    if (channel !== null) {
      const message: StoredMessage = {
        text: stringOrNull(args.initial_comment),
        blocks: Array.isArray(args.blocks) ? args.blocks : null,
        metadata: null,
        channel,
        ts: this.nextTs(),
        threadTs: null,
        edits: [],
        replies: [],
        files,
      };
      this.messages.set(channel, [...this.messagesIn(channel), message]);
    }
    return { ok: true, files: files.map(({ id, title }) => ({ id, title })) };
  }

  private findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messagesIn(channel).find((message) => message.ts === ts);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseArguments(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.startsWith('application/json'))
    return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_ARGUMENTS.has(key) ? JSON.parse(value) : value;
  }
  return args;
}

function messageVersion(args: Record<string, unknown>): MessageVersion {
  return {
    text: stringOrNull(args.text),
    blocks: Array.isArray(args.blocks) ? args.blocks : null,
    metadata: args.metadata ?? null,
  };
}

function sendFailure(
  res: ServerResponse,
  failure: Exclude<ScriptedFailure, { kind: 'drop_response' } | { kind: 'delay' }>,
) {
  if (failure.kind === 'rate_limited') {
    res.writeHead(429, {
      'content-type': 'application/json; charset=utf-8',
      'retry-after': String(failure.retryAfterSeconds),
    });
    res.end(JSON.stringify(fail('ratelimited')));
  } else if (failure.kind === 'http_error') {
    res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('stand-in HTTP error');
  } else {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(fail(failure.error)));
  }
}

function fail(error: string): Answer {
  return { ok: false, error };
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return match?.[1] ?? null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
