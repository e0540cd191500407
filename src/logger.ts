import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * Field names whose values are secrets. Ping URLs count too, because the token in them is
 * all it takes to report a job as healthy, and a Redis URL can carry a password.
 */
const SECRET_FIELDS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'password',
  'authorization',
  'pingKey',
  'pingUrl',
  'url',
  'redisUrl',
];

/** Top-level fields and fields one object deep (`req.url`, `slack.botToken`), plus headers. */
export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
];

export const REDACTED = '[redacted]';

type SerializedError = ReturnType<typeof pino.stdSerializers.err> & Record<string, unknown>;

/**
 * pino's error serializer, without the `command` that ioredis attaches to a failed command:
 * its arguments hold the whole monitor record, ping token included.
 */
function serializeError(error: Error): SerializedError {
  const serialized = pino.stdSerializers.err(error) as SerializedError;
  for (let level: Record<string, unknown> | undefined = serialized; level; ) {
    if ('command' in level) level.command = REDACTED;
    const cause: unknown = level.cause;
    level =
      typeof cause === 'object' && cause !== null ? (cause as Record<string, unknown>) : undefined;
  }
  return serialized;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Stream for the JSON lines. Default: standard output. */
  destination?: DestinationStream;
}

/**
 * Creates the service's pino logger. Secret fields (see `REDACTED_PATHS`) and the Redis
 * command of a logged error are replaced by `[redacted]` in every line, also in child
 * loggers' bindings. Redaction covers fields only: a secret written into the message string
 * itself is logged as it is.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Creates a logger that writes nothing, for tests and tools that want no output. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Runs a log call at most once per interval and passes it the number of calls skipped since. */
export class RepeatLimitedLog {
  private lastAt = Number.NEGATIVE_INFINITY;
  private skipped = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  run(log: (suppressed: number) => void): void {
    const at = this.now();
    if (at - this.lastAt < this.intervalMs) {
      this.skipped += 1;
      return;
    }
    log(this.skipped);
    this.lastAt = at;
    this.skipped = 0;
  }
}

// While Redis is unreachable, clients and workers report an error several times a second.
const REPEATED_ERROR_INTERVAL_MS = 10_000;

/**
 * Returns a handler for a Redis client's `error` events, which report its connection. It logs
 * the message and code without a stack, at most once per 10 s, with the number skipped.
 */
export function connectionErrorLog(
  logger: Logger,
  message: string,
  now: () => number = Date.now,
): (error: Error) => void {
  const limit = new RepeatLimitedLog(REPEATED_ERROR_INTERVAL_MS, now);
  return (error) => {
    limit.run((suppressed) => {
      const code = (error as NodeJS.ErrnoException).code;
      logger.warn({ error: error.message, ...(code ? { code } : {}), suppressed }, message);
    });
  };
}

/**
 * Returns a handler for a BullMQ worker's `error` events. They may be bugs as well as lost
 * connections, so each keeps its stack. Each message is logged at most once per 10 s.
 */
export function workerErrorLog(
  logger: Logger,
  message: string,
  now: () => number = Date.now,
): (error: Error) => void {
  const limits = new Map<string, RepeatLimitedLog>();
  return (error) => {
    let limit = limits.get(error.message);
    if (limit === undefined) {
      if (limits.size >= 100) limits.clear();
      limit = new RepeatLimitedLog(REPEATED_ERROR_INTERVAL_MS, now);
      limits.set(error.message, limit);
    }
    limit.run((suppressed) => logger.error({ err: error, suppressed }, message));
  };
}
