// A local stand-in for Slack's Socket Mode, for tests. `apps.connections.open` on the Web API
// stand-in hands out WebSocket URLs with a one-time ticket, on a server at 127.0.0.1. Each
// connection gets `hello`, then the envelopes and `disconnect` messages a test sends, and the
// stand-in records the acks that come back.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { SlackApiStandIn } from './slack-api.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the app sent back for an envelope: `{ envelope_id, payload }`. */
export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** When the stand-in received the ack, on the monotonic clock (`performance.now()`). */
  receivedAt: number;
}

export interface SocketConnection {
  socket: WebSocket;
  ticket: string;
  /** The close code, once the connection closed. 1000 is a normal closure. */
  closeCode: number | null;
}

export interface DeliverOptions {
  /** Slack's `retry_attempt`, above 0 for a repeated delivery. */
  retryAttempt?: number;
  timeoutMs?: number;
}

export class SlackSocketStandIn {
  readonly connections: SocketConnection[] = [];
  readonly acks: Ack[] = [];
  /** Messages from the app that were not acks, such as ones that failed to parse. */
  readonly otherMessages: string[] = [];
  /** Upgrade requests turned away because their ticket was unknown or used. */
  rejectedUpgrades = 0;

  private readonly tickets = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly appToken: string,
  ) {}

  /**
   * Starts the WebSocket server and serves `apps.connections.open` on `api` for calls with
   * `appToken`.
   */
  static async start(
    api: SlackApiStandIn,
    options: { appToken?: string } = {},
  ): Promise<SlackSocketStandIn> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const appToken = options.appToken ?? 'xapp-1-A0APP0001-test-app-token';
    const standIn = new SlackSocketStandIn(server, `ws://127.0.0.1:${port}`, appToken);
    server.on('upgrade', (req, socket, head) => standIn.upgrade(req, socket, head));
    api.serveMethod('apps.connections.open', appToken, () => standIn.openConnection());
    return standIn;
  }

  /** Connections that are open and got `hello`. */
  get openConnections(): SocketConnection[] {
    return this.connections.filter((connection) => connection.closeCode === null);
  }

  /** Resolves with the `count`-th connection (1-based) once it is open and got `hello`. */
  async waitForConnection(count = 1, timeoutMs = 5000): Promise<SocketConnection> {
    await waitUntil(() => this.connections.length >= count, timeoutMs, `connection ${count}`);
    return this.connections[count - 1] as SocketConnection;
  }

  /**
   * Sends an envelope over the newest open connection, and resolves with its ack. Rejects
   * when no ack comes within the timeout.
   */
  async deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: DeliverOptions = {},
  ): Promise<Ack> {
    const connection = this.openConnections.at(-1);
    if (connection === undefined) throw new Error('Slack socket stand-in: no open connection');
    const envelopeId = randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
    };
    if (options.retryAttempt !== undefined) {
      envelope.retry_attempt = options.retryAttempt;
      envelope.retry_reason = options.retryAttempt > 0 ? 'timeout' : '';
    }
    connection.socket.send(JSON.stringify(envelope));

    await waitUntil(
      () => this.acks.some((ack) => ack.envelope_id === envelopeId),
      options.timeoutMs ?? 5000,
      `ack of ${type} envelope`,
    );
    return this.acks.find((ack) => ack.envelope_id === envelopeId) as Ack;
  }

  /** Sends `disconnect` over the newest open connection, as Slack does before recycling it. */
  requestDisconnect(reason = 'refresh_requested'): SocketConnection {
    const connection = this.openConnections.at(-1);
    if (connection === undefined) throw new Error('Slack socket stand-in: no open connection');
    const message = { type: 'disconnect', reason, debug_info: { host: 'stand-in' } };
    connection.socket.send(JSON.stringify(message));
    return connection;
  }

  /** Resolves once `connection` is closed, with its close code. */
  async waitForClose(connection: SocketConnection, timeoutMs = 5000): Promise<number> {
    await waitUntil(() => connection.closeCode !== null, timeoutMs, 'connection close');
    return connection.closeCode as number;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private openConnection(): Record<string, unknown> {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { ok: true, url: `${this.origin}/link/?ticket=${ticket}&app_id=A0APP0001` };
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', this.origin).searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      this.rejectedUpgrades += 1;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket));
  }

  private accept(socket: WebSocket, ticket: string): void {
    const connection: SocketConnection = { socket, ticket, closeCode: null };
    socket.on('message', (data) => this.record(data));
    socket.on('close', (code) => {
      connection.closeCode = code;
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections.length + 1,
        debug_info: { host: 'stand-in', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0APP0001' },
      }),
    );
    this.connections.push(connection);
  }

  private record(data: RawData): void {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    try {
      const message = JSON.parse(text) as { envelope_id?: unknown; payload?: unknown };
      if (typeof message.envelope_id === 'string') {
        const ack: Ack = { envelope_id: message.envelope_id, receivedAt: performance.now() };
        if (typeof message.payload === 'object' && message.payload !== null) {
          ack.payload = message.payload as Record<string, unknown>;
        }
        this.acks.push(ack);
        return;
      }
    } catch {
      // Not JSON, so it is recorded below as it came.
    }
    this.otherMessages.push(text);
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Slack socket stand-in: no ${what} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
