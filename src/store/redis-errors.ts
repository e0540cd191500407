// ioredis 5 rejects a command with one of these messages when the connection was closed or lost
// before the command was sent. After a lost connection it may also reject with a
// MaxRetriesPerRequestError.
const CONNECTION_LOST_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
];

/** Tells whether ioredis rejected a command because its connection to Redis was lost. */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    CONNECTION_LOST_MESSAGES.includes(error.message) ||
    error.name === 'MaxRetriesPerRequestError' ||
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    code === 'EPIPE'
  );
}

/** Collects the error and the errors it wraps: `cause`, and ioredis's `previousErrors` of EXECABORT. */
export function errorChain(error: unknown): Error[] {
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

/**
 * Tells whether a failed command is known not to have run: ioredis did not send it, or Redis
 * refused it (out of memory, still loading). After any other failure, such as a connection lost
 * while the command was on its way, Redis may have run it.
 */
export function neverRan(error: unknown): boolean {
  return errorChain(error).some(
    (link) =>
      link.message === "Stream isn't writeable and enableOfflineQueue options is false" ||
      isOutOfMemory(link) ||
      isLoadingReply(link),
  );
}

/** Tells whether Redis rejected a write because its used memory exceeds maxmemory. */
export function isOutOfMemory(error: Error): boolean {
  return /\bOOM command not allowed\b/.test(error.message);
}

/** Tells whether Redis rejected a command because it is still loading its dataset into memory. */
export function isLoadingReply(error: Error): boolean {
  return /^LOADING\b/.test(error.message);
}

/** Tells whether ioredis rejected a command because it timed out (`commandTimeout`). */
export function isTimeoutReply(error: Error): boolean {
  return error.message === 'Command timed out';
}

/**
 * Sorts a failed command's error by what Redis did: ran out of memory, or could not be reached
 * (a lost connection, a timeout or a dataset still loading). Returns null for any other error.
 */
export function redisFailureKind(error: unknown): 'out_of_memory' | 'unavailable' | null {
  const chain = errorChain(error);
  if (chain.some(isOutOfMemory)) return 'out_of_memory';
  const unavailable = (link: Error) =>
    isConnectionLost(link) || isLoadingReply(link) || isTimeoutReply(link);
  return chain.some(unavailable) ? 'unavailable' : null;
}
