import { createConnection, createServer } from 'node:net';

const HOST = '127.0.0.1';
const PROBE_TIMEOUT_MS = 500;

/**
 * Result of a PING on a port: Redis, Redis still loading its data, Redis that requires a
 * password, a server that is not Redis, or no server.
 */
export type ProbeResult = 'redis' | 'loading' | 'auth-required' | 'other' | 'none';

function classifyReply(reply: string): ProbeResult {
  if (reply.startsWith('+PONG')) return 'redis';
  if (reply.startsWith('-LOADING')) return 'loading';
  if (reply.startsWith('-NOAUTH')) return 'auth-required';
  return 'other';
}

/** Connects to 127.0.0.1:`port`, sends an inline PING and classifies the first reply line. */
export function probeRedis(port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let connected = false;
    let reply = '';
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(connected ? 'other' : 'none'), timeoutMs);

    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write('PING\r\n');
    });
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) finish(classifyReply(reply));
    });
    socket.on('error', () => finish(connected ? 'other' : 'none'));
    socket.on('end', () => finish(connected ? 'other' : 'none'));
  });
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
