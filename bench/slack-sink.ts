// A stand-in for the Slack Web API that records when each alert arrives. It speaks just enough
// of Slack's wire format for the notifier: POST /api/<method> with a form or JSON body, answered
// with HTTP 200 and `{ ok: true, ... }`.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SINK_BOT_TOKEN = 'xoxb-bench-token';

export class SlackSink {
  /**
   * When the first alert (a `chat.postMessage` outside a thread) of each monitor that `expect`
   * named arrived. It is kept as alerts arrive, so a round that waits for them scans nothing.
   */
  readonly firstAlerts = new Map<string, number>();
  private expected: ReadonlySet<string> = new Set();
  private messageCount = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** The Web API base URL for SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  static async start(): Promise<SlackSink> {
    let sink: SlackSink | undefined;
    const server = createServer((req, res) => {
      const atMs = Date.now();
      readBody(req).then(
        (body) => {
          const answer = sink?.answer(req.url ?? '', body, req.headers['content-type'], atMs);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(answer ?? { ok: false, error: 'not_ready' }));
        },
        () => res.destroy(),
      );
    });
    // Keep-alive connections of the notifier's HTTP agent stay open between alerts.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new SlackSink(server, (server.address() as AddressInfo).port);
    return sink;
  }

  /** Forgets the alerts so far and collects the first alert of each of `monitorIds` from now on. */
  expect(monitorIds: ReadonlySet<string>): void {
    this.firstAlerts.clear();
    this.expected = monitorIds;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(url: string, body: string, type: string | undefined, atMs: number) {
    const method = url.replace(/^\/api\//, '').split('?')[0];
    const args = parseArguments(body, type);
    if (method === 'auth.test') {
      return { ok: true, team: 'Bench', team_id: 'T0BENCH', user_id: 'U0BOT', bot_id: 'B0BOT' };
    }
    if (method === 'chat.postMessage' || method === 'chat.update') {
      const channel = typeof args.channel === 'string' ? args.channel : 'C0';
      if (method === 'chat.postMessage' && args.thread_ts === undefined) {
        const monitorId = monitorIdOf(args.metadata);
        if (
          monitorId !== null &&
          this.expected.has(monitorId) &&
          !this.firstAlerts.has(monitorId)
        ) {
          this.firstAlerts.set(monitorId, atMs);
        }
      }
      this.messageCount += 1;
      const ts = `${Math.floor(atMs / 1000)}.${String(this.messageCount).padStart(6, '0')}`;
      return { ok: true, channel, ts: args.ts ?? ts };
    }
    return { ok: true };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseArguments(body: string, type: string | undefined): Record<string, unknown> {
  if (body === '') return {};
  if (type?.startsWith('application/json')) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

/** Reads the monitor id from the message metadata that Drumbeat attaches to every alert. */
function monitorIdOf(metadata: unknown): string | null {
  try {
    const parsed = (typeof metadata === 'string' ? JSON.parse(metadata) : metadata) as {
      event_payload?: { monitor_id?: unknown };
    };
    const id = parsed?.event_payload?.monitor_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
