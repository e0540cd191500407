import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { InFlight } from './in-flight.js';
import { createPingHandler } from './ping-handler.js';
import type { PingRecorder } from './recorder.js';
import { answerRequestsWithoutHandler } from './socket-answers.js';

/** Default wait of `close()` for in-flight requests before it cuts their connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
// While the server closes, a connection whose last response finished waits this long, in ms,
// to be closed together with the others that went idle meanwhile.
const IDLE_CLOSE_DELAY_MS = 20;

export interface HttpServerOptions {
  recorder: PingRecorder;
  /** Serves every request outside `/ping/`: the express app with health and chat endpoints. */
  app: RequestListener;
  logger: Logger;
  /** Bytes of each ping body that are kept. Default 100,000. */
  bodyLimitBytes?: number;
  /** Take ping remote addresses from `X-Forwarded-For`, for use behind a proxy. Default false. */
  trustProxy?: boolean;
  /** How long `close()` waits for in-flight requests, in ms. Default 10,000. */
  drainTimeoutMs?: number;
}

export interface HttpServer {
  readonly server: Server;
  /** Starts listening and resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, lets in-flight requests finish, and resolves when every
   * connection is closed. Connections still busy after the drain timeout are cut. Calling it
   * again returns the same promise.
   */
  close(): Promise<void>;
}

// `/ping`, `/ping/…` and `/ping?…`, also after repeated leading slashes.
const PING_PATH = /^\/+ping(?:[/?#]|$)/;
const SLASH = 0x2f;
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/**
 * Returns the path and query of an absolute-form request target (`http://host/ping/…`), which
 * RFC 9112 section 3.2.2 requires servers to accept. Returns other targets unchanged.
 */
export function originForm(url: string): string {
  const authority = ABSOLUTE_FORM.exec(url);
  if (authority === null) return url;
  const rest = url.slice(authority[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * Creates the HTTP server: requests under `/ping/` go to the lean ping handler straight from
 * `node:http`, past express's router, because every run of every job calls them.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const pingHandlerOptions = {
    recorder: options.recorder,
    logger: options.logger,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  };
  const handlePing = createPingHandler(pingHandlerOptions);
  const drain = new Drain();

  // The ping API needs no Host header, and without this option node:http rejects a request
  // without one with an empty 400 before any handler could give a reason.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    drain.track(res);
    const url = req.url ?? '';
    if (url.charCodeAt(0) !== SLASH) req.url = originForm(url);
    if (PING_PATH.test(req.url ?? '')) handlePing(req, res);
    else options.app(req, res);
  });
  answerRequestsWithoutHandler(server, {
    logger: options.logger,
    pingPath: PING_PATH,
    responseStarted: (socket) => drain.headersSentOn(socket),
  });

  let closing: Promise<void> | null = null;
  return {
    server,
    listen: (port, host) => listen(server, options.logger, port, host),
    close: () => {
      closing ??= closeServer(server, drain, options);
      return closing;
    },
  };
}

function listen(server: Server, logger: Logger, port: number, host?: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      logger.info({ host: address.address, port: address.port }, 'http server listening');
      resolve(address);
    });
  });
}

function closeServer(server: Server, drain: Drain, options: HttpServerOptions): Promise<void> {
  const { logger } = options;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  if (!server.listening) return Promise.resolve();

  return new Promise((resolve) => {
    logger.info({ inFlight: drain.size }, 'http server closing');
    const timer = setTimeout(() => {
      logger.warn({ inFlight: drain.size, drainTimeoutMs }, 'http server drain timed out');
      server.closeAllConnections();
    }, drainTimeoutMs);
    timer.unref();

    server.close(() => {
      clearTimeout(timer);
      logger.info('http server closed');
      resolve();
    });
    drain.start(server);
  });
}

/**
 * Tracks responses in progress so that closing can end keep-alive connections as soon as
 * their current response is sent, instead of waiting for the keep-alive timeout.
 */
class Drain {
  private readonly active = new InFlight<ServerResponse>();
  private server: Server | null = null;
  private closeScheduled = false;

  get size(): number {
    return this.active.size;
  }

  track(res: ServerResponse): void {
    if (this.server !== null) res.setHeader('Connection', 'close');
    res.once('close', this.active.add(res));
    res.once('finish', () => {
      if (this.server !== null) this.scheduleIdleClose();
    });
  }

  /**
   * Closes the connections that went idle, once for all the responses that finish within
   * `IDLE_CLOSE_DELAY_MS`. Each call walks every open connection, so with a call per response,
   * a stop with 15,000 requests in flight sent their responses at a third of the usual rate.
   */
  private scheduleIdleClose(): void {
    if (this.closeScheduled) return;
    this.closeScheduled = true;
    setTimeout(() => {
      this.closeScheduled = false;
      this.server?.closeIdleConnections();
    }, IDLE_CLOSE_DELAY_MS);
  }

  /** Tells whether a response in progress on `socket` has sent its headers. */
  headersSentOn(socket: Duplex): boolean {
    return this.active.some((res) => res.socket === socket && res.headersSent);
  }

  start(server: Server): void {
    this.server = server;
    this.active.forEach((res) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    server.closeIdleConnections();
  }
}
