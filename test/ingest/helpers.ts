import {
  type Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestListener,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import type { PingInput } from '../../src/domain/types.js';
import type { PingRecorder, PingTarget, RecordResult } from '../../src/ingest/recorder.js';
import {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
} from '../../src/ingest/server.js';

export interface RecordedCall {
  target: PingTarget;
  input: PingInput;
}

/** A PingRecorder that keeps its calls in memory and returns what `respond` returns. */
export class MemoryRecorder implements PingRecorder {
  readonly calls: RecordedCall[] = [];
  respond: (target: PingTarget, input: PingInput) => Promise<RecordResult> = async () => ({
    status: 'stored',
  });

  async record(target: PingTarget, input: PingInput): Promise<RecordResult> {
    this.calls.push({ target, input });
    return this.respond(target, input);
  }
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Creates a pino logger at debug level that parses its JSON lines into `lines`. */
export function memoryLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Creates an express 5 app in place of the rest of the service: `/healthz`, else 404. */
export function otherRoutesApp(): RequestListener {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('express healthz');
  });
  return app;
}

export interface TestServer {
  http: HttpServer;
  recorder: MemoryRecorder;
  lines: LogLine[];
  port: number;
  close(): Promise<void>;
}

export async function startTestServer(
  options: Partial<Omit<HttpServerOptions, 'recorder' | 'logger'>> = {},
): Promise<TestServer> {
  const recorder = new MemoryRecorder();
  const { logger, lines } = memoryLogger();
  const http = createHttpServer({ app: otherRoutesApp(), ...options, recorder, logger });
  const address = await http.listen(0, '127.0.0.1');
  return { http, recorder, lines, port: address.port, close: () => http.close() };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: Agent;
}

/** Sends one request over loopback and reads the whole response. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const TOKEN = '5f1c2b7e-3a4d-4e8f-9b0a-1c2d3e4f5a6b';
export const RUN_ID = '0b7c6d5e-4f3a-4b2c-8d1e-0f9a8b7c6d5e';

/** Opens a raw TCP connection to the server, for requests node:http would not send. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Reads from a raw socket until the server closes it or `until` matches what arrived. */
export function readRaw(socket: Socket, until?: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (until?.test(text)) resolve(text);
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

/** Sends `request` as raw bytes on a new connection and returns what the server sends back. */
export async function exchangeRaw(port: number, request: string): Promise<string> {
  const socket = await rawConnect(port);
  const response = readRaw(socket);
  socket.write(request);
  return response;
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
