// The command line's Redis client, and the one-line messages for the ways Redis can fail it.

import { Redis } from 'ioredis';

/**
 * How long the command line waits for Redis to become ready after connecting, and for each
 * command. A Redis paused with SIGSTOP or stuck on a slow command accepts the TCP connection
 * but never responds, and without a limit the command line would wait forever.
 */
export const REDIS_RESPONSE_TIMEOUT_MS = 3000;

/** Thrown when Redis accepted the connection but was not ready within the timeout. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/**
 * Creates a lazily connecting client that fails each command after
 * `REDIS_RESPONSE_TIMEOUT_MS`. The command line passes this one client to its BullMQ queues
 * as well, so the limit covers their commands too, and one `disconnect` closes every socket.
 */
export function createRedisClient(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: REDIS_RESPONSE_TIMEOUT_MS,
    // ioredis 5.11's disconnect() half-closes the socket and destroys it only after
    // disconnectTimeout (2000 ms by default). A paused Redis never closes its side, so the
    // command line exited 2 s after its message. With 0 the socket is destroyed at the next
    // timer tick, and replies still pending are dropped, as disconnect() documents.
    disconnectTimeout: 0,
  });
  // Failures reach the command line as rejected commands, which it reports.
  redis.on('error', () => {});
  return redis;
}

/**
 * Connects `redis` and waits until it is ready. Rejects with `RedisTimeoutError` when Redis
 * is not ready within `timeoutMs`. The caller disconnects the client after any failure, which
 * also stops ioredis from reconnecting.
 */
export async function connectWithin(redis: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new RedisTimeoutError(`Redis was not ready after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    // The limit is enforced here because ioredis 5.11's ready check (INFO) overruns
    // commandTimeout: with 2 s against a paused Redis, connect() rejected only after 6 s.
    // NOTE: ioredis also waits in connect() while Redis loads its dataset, so a long load
    // is reported as a Redis that did not respond.
    await Promise.race([redis.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects the error and the errors it wraps: `cause`, and ioredis's `previousErrors` of EXECABORT. */
function errorChain(error: unknown): Error[] {
  const chain: Error[] = [];
  const pending: unknown[] = [error];
  // The cap ends a chain whose causes form a cycle.
  while (pending.length > 0 && chain.length < 20) {
    const next = pending.shift();
    if (!(next instanceof Error)) continue;
    chain.push(next);
    pending.push(next.cause);
    const previous = (next as { previousErrors?: unknown }).previousErrors;
    if (Array.isArray(previous)) pending.push(...previous);
  }
  return chain;
}

// ioredis 5 rejects a command with these messages when it timed out, or when the connection
// was closed or lost before the command was sent. After a lost connection it may also reject
// with a MaxRetriesPerRequestError.
const TIMEOUT_MESSAGE = 'Command timed out';
const CONNECTION_LOST_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
];

function isTimeout(error: Error): boolean {
  return error instanceof RedisTimeoutError || error.message === TIMEOUT_MESSAGE;
}

/** Redis rejects a write with an OOM error once used memory exceeds maxmemory. */
function isOutOfMemory(error: Error): boolean {
  return /\bOOM command not allowed\b/.test(error.message);
}

function isConnectionLost(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    CONNECTION_LOST_MESSAGES.includes(error.message) ||
    error.name === 'MaxRetriesPerRequestError' ||
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    code === 'EPIPE'
  );
}

/** Tells whether `error` is one that `describeRedisFailure` has a message for. */
export function isRedisFailure(error: unknown): boolean {
  return errorChain(error).some(
    (link) => isOutOfMemory(link) || isTimeout(link) || isConnectionLost(link),
  );
}

/**
 * Returns the one-line message for a Redis that timed out, ran out of memory or dropped the
 * connection, or null for any other error. `maskedUrl` is the Redis URL without its password.
 */
export function describeRedisFailure(error: unknown, maskedUrl: string): string | null {
  const chain = errorChain(error);
  if (chain.some(isOutOfMemory)) {
    return (
      `Redis at ${maskedUrl} is out of memory (maxmemory reached) and rejected the command's ` +
      'writes, so the command may not have finished. Raise maxmemory (CONFIG SET maxmemory, ' +
      'or maxmemory in redis.conf) or free memory in that Redis, then run the command again.'
    );
  }
  if (chain.some(isTimeout)) {
    const seconds = REDIS_RESPONSE_TIMEOUT_MS / 1000;
    return (
      `Redis at ${maskedUrl} did not respond within ${seconds} s. Check that redis-server ` +
      'is running and not paused or overloaded, or set REDIS_URL to another Redis, then try again.'
    );
  }
  if (chain.some(isConnectionLost)) {
    return (
      `The connection to Redis at ${maskedUrl} was lost, so the command may not have ` +
      'finished. Check that redis-server is running, then try again.'
    );
  }
  return null;
}
