// The command line's Redis client, and the one-line messages for the ways Redis can fail it.

import { Redis } from 'ioredis';
import {
  errorChain,
  isConnectionLost,
  isLoadingReply,
  isOutOfMemory,
  isTimeoutReply,
} from '../store/redis-errors.js';
import {
  formatLoadingProgress,
  type LoadingProgress,
  readLoadingProgress,
} from '../store/redis-loading.js';

/**
 * How long the command line waits for Redis to become ready after connecting, and for each
 * command. A Redis paused with SIGSTOP or stuck on a slow command accepts the TCP connection
 * but never responds, and without a limit the command line would wait forever.
 */
export const REDIS_RESPONSE_TIMEOUT_MS = 3000;

/**
 * How long the command line waits for a Redis that is loading its dataset into memory, as after
 * a restart, before it stops with a message to run the command again.
 */
export const REDIS_LOADING_WAIT_MS = 60_000;

/** How often the command line polls a loading Redis for its progress. */
const LOADING_POLL_MS = 500;

/** Thrown when Redis accepted the connection but was not ready within the timeout. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/** Thrown when Redis was still loading its dataset at the end of the wait. */
export class RedisLoadingError extends Error {
  override readonly name = 'RedisLoadingError';

  constructor(
    readonly waitedMs: number,
    readonly progress: LoadingProgress,
  ) {
    super(`Redis was still loading its dataset after ${waitedMs} ms`);
  }
}

/**
 * Creates a lazily connecting client that fails each command after
 * `REDIS_RESPONSE_TIMEOUT_MS`. The command line passes this one client to its BullMQ queues
 * as well, so the limit covers their commands too, and one `disconnect` closes every socket.
 */
export function createRedisClient(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    // ioredis's own ready check waits without a limit or a message while Redis loads its
    // dataset. The command line checks that itself, in waitWhileLoading.
    enableReadyCheck: false,
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
    // The limit is enforced here because ioredis 5.11's connect() waits up to connectTimeout
    // (10 s) for the TCP connection, and then for the replies to the CLIENT SETINFO commands
    // it sends, which a paused Redis never sends.
    await Promise.race([redis.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isLoading(error: Error): boolean {
  return error instanceof RedisLoadingError || isLoadingReply(error);
}

/**
 * Waits until Redis has loaded its dataset, asking for the progress every 500 ms. Calls
 * `onWait` once, when the first check finds Redis loading. Rejects with `RedisLoadingError`
 * when Redis is still loading after `maxWaitMs`.
 */
export async function waitWhileLoading(
  redis: Redis,
  maxWaitMs: number,
  onWait: (progress: LoadingProgress) => void,
): Promise<void> {
  const started = Date.now();
  let progress = await readLoadingProgress(redis);
  if (progress === null) return;
  onWait(progress);
  while (progress !== null) {
    const remainingMs = started + maxWaitMs - Date.now();
    if (remainingMs <= 0) throw new RedisLoadingError(maxWaitMs, progress);
    await new Promise((resolve) => setTimeout(resolve, Math.min(LOADING_POLL_MS, remainingMs)));
    progress = await readLoadingProgress(redis);
  }
}

/** Returns the line that the command line writes when it starts to wait for a loading Redis. */
export function describeLoadingWait(progress: LoadingProgress, maskedUrl: string): string {
  const seconds = REDIS_LOADING_WAIT_MS / 1000;
  return (
    `Redis at ${maskedUrl} is loading its dataset into memory${formatLoadingProgress(progress, true)}. ` +
    `Waiting up to ${seconds} s for the load to finish.`
  );
}

function isTimeout(error: Error): boolean {
  return error instanceof RedisTimeoutError || isTimeoutReply(error);
}

/** Tells whether `error` is one that `describeRedisFailure` has a message for. */
export function isRedisFailure(error: unknown): boolean {
  return errorChain(error).some(
    (link) => isLoading(link) || isOutOfMemory(link) || isTimeout(link) || isConnectionLost(link),
  );
}

/**
 * Returns the one-line message for a Redis that was loading its dataset, timed out, ran out of
 * memory or dropped the connection, or null for any other error. `maskedUrl` is the Redis URL
 * without its password.
 */
export function describeRedisFailure(error: unknown, maskedUrl: string): string | null {
  const chain = errorChain(error);
  const loadingError = chain.find(
    (link): link is RedisLoadingError => link instanceof RedisLoadingError,
  );
  if (loadingError !== undefined) {
    const seconds = Math.round(loadingError.waitedMs / 1000);
    return (
      `Redis at ${maskedUrl} was still loading its dataset into memory after ${seconds} s` +
      `${formatLoadingProgress(loadingError.progress, false)}. Run the command again when the load ` +
      'has finished (INFO persistence then shows loading:0).'
    );
  }
  if (chain.some(isLoading)) {
    return (
      `Redis at ${maskedUrl} is loading its dataset into memory and rejected a command, so the ` +
      'command may not have finished. Run the command again when the load has finished ' +
      '(INFO persistence then shows loading:0).'
    );
  }
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
