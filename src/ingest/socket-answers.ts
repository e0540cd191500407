// Responses to requests that never reach the request handler, written straight to the socket.
// Without them, node:http sends an empty-bodied 400 for a request it cannot parse (such as one
// with an unknown method), and closes the connection of a CONNECT request without a response.

import { maxHeaderSize, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { PING_ALLOW, PING_METHOD_NOT_ALLOWED } from './ping-handler.js';
import { MAX_PING_URL_LENGTH } from './ping-parse.js';

export interface SocketAnswerOptions {
  logger: Logger;
  /** Matches the request targets of the ping API. */
  pingPath: RegExp;
  /** Tells whether a response on `socket` has sent its headers, so nothing else may be written. */
  responseStarted: (socket: Duplex) => boolean;
}

/**
 * Adds the server's 'clientError' and 'connect' listeners, which send a status and a one-line
 * plain-text reason, then close the connection.
 */
export function answerRequestsWithoutHandler(server: Server, options: SocketAnswerOptions): void {
  const { logger } = options;

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As node:http does itself, write nothing on a socket that is gone or that is already
    // partway through a response, because the client could not read it.
    if (error.code === 'ECONNRESET' || !socket.writable || options.responseStarted(socket)) {
      socket.destroy();
      return;
    }
    const [status, reason] = clientErrorAnswer(error);
    // The error's rawPacket contains the request, ping token included, so only its code is logged.
    logger.debug({ code: error.code, status }, 'invalid HTTP request rejected');
    sendAndClose(socket, status, reason);
  });

  // The ping API and the chat endpoints never tunnel, so every CONNECT gets the 405 that other
  // unsupported methods get.
  server.on('connect', (req, socket: Duplex) => {
    // node:http removes its own error listener before this event, and a client's reset would
    // then crash the process with an unhandled 'error' event (seen on Node 20.20).
    socket.on('error', (error: NodeJS.ErrnoException) => {
      logger.debug({ code: error.code }, 'CONNECT connection failed');
    });
    const reason = options.pingPath.test(req.url ?? '')
      ? PING_METHOD_NOT_ALLOWED
      : 'method not allowed: this server does not take CONNECT requests';
    logger.debug({ method: 'CONNECT' }, 'CONNECT request rejected');
    sendAndClose(socket, 405, reason, ['Allow', PING_ALLOW]);
  });

  // Without this listener node:http responds to any Expect but 100-continue with an empty 417.
  server.on('checkExpectation', (req, res) => {
    logger.debug({ method: req.method }, 'request with an unsupported Expect header rejected');
    const reason = 'expectation failed: the only Expect header taken is 100-continue';
    res.writeHead(417, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(reason),
      Connection: 'close',
    });
    res.end(reason);
  });
}

/** Picks the status that node:http sends for a client error, with a reason to go with it. */
function clientErrorAnswer(
  error: NodeJS.ErrnoException & { rawPacket?: unknown },
): [number, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // node:http counts the request line with the headers. When the bytes read start a request
      // line that does not end within the limit, the URL is what is too long.
      if (requestLineUnfinished(error.rawPacket)) {
        return [414, `request URL too long: the limit is ${MAX_PING_URL_LENGTH} bytes`];
      }
      return [431, `request headers too large: the limit is ${maxHeaderSize} bytes`];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'chunk extensions too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request timed out'];
    default:
      return [400, 'invalid HTTP request'];
  }
}

/** Tells whether the bytes hold the start of a request line and no line end after it. */
function requestLineUnfinished(rawPacket: unknown): boolean {
  if (!Buffer.isBuffer(rawPacket)) return false;
  const start = rawPacket.subarray(0, 16).toString('latin1');
  return /^[A-Z]+ /.test(start) && !rawPacket.includes('\r\n');
}

function sendAndClose(
  socket: Duplex,
  status: number,
  reason: string,
  extraHeaders: readonly string[] = [],
): void {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(reason)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ];
  for (let i = 0; i + 1 < extraHeaders.length; i += 2) {
    lines.push(`${extraHeaders[i]}: ${extraHeaders[i + 1]}`);
  }
  // Destroying once the response is flushed frees the socket even when the client never closes
  // its side, because node:http sockets allow half-open connections.
  socket.end(`${lines.join('\r\n')}\r\n\r\n${reason}`, () => socket.destroy());
}
