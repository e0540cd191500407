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
