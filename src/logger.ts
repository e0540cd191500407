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

const SECRETS = new Set(SECRET_FIELDS);
/** Header names whose values are secrets, in `headers` at the top level or one object deep. */
const SECRET_HEADERS = ['authorization', 'Authorization', 'cookie'];

export const REDACTED = '[redacted]';

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Error)
  );
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const name of SECRET_HEADERS) {
    if (headers[name] === undefined) continue;
    copy ??= { ...headers };
    copy[name] = REDACTED;
  }
  return copy ?? headers;
}

/**
 * Returns `fields` with the secret fields at the top level and one object deep replaced by
 * `[redacted]`, and the secret headers of a `headers` object at either level. Copies only the
 * objects that change, so the caller's objects stay as they are. Errors are left to the error
 * serializer, which redacts what it writes.
 */
export function redactFields(
  fields: Record<string, unknown>,
  nested = false,
): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    let next = value;
    if (SECRETS.has(key)) next = REDACTED;
    else if (key === 'headers' && isPlainRecord(value)) next = redactHeaders(value);
    else if (!nested && isPlainRecord(value)) next = redactFields(value, true);
    if (next === value) continue;
    copy ??= { ...fields };
    copy[key] = next;
  }
  return copy ?? fields;
}

type SerializedError = ReturnType<typeof pino.stdSerializers.err> & Record<string, unknown>;

/**
 * pino's error serializer, without the `command` that ioredis attaches to a failed command:
 * its arguments hold the whole monitor record, ping token included.
 */
function serializeError(error: Error): unknown {
  // A promise may be rejected with any value, and pino passes it here as it is.
  if (typeof error !== 'object' || error === null) return error;
  const serialized = redactFields(pino.stdSerializers.err(error)) as SerializedError;
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
 * Creates the service's pino logger. Secret fields (see `SECRET_FIELDS`) and the Redis
 * command of a logged error are replaced by `[redacted]` in every line. In child loggers'
 * bindings, only top-level fields are redacted. Redaction covers fields only: a secret written
 * into the message string itself is logged as it is.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    // Our own redaction instead of pino's `redact` paths, because those with wildcards took
    // about 10 µs per line in a worker's profile with thousands of alerts due at once.
    // Serializers cover top-level fields, also in child loggers' bindings, and the formatter
    // covers nested ones.
    formatters: { log: (fields: Record<string, unknown>) => redactFields(fields) },
    serializers: {
      ...Object.fromEntries(SECRET_FIELDS.map((field) => [field, () => REDACTED])),
      headers: (headers: unknown) => (isPlainRecord(headers) ? redactHeaders(headers) : headers),
      err: serializeError,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(settings, options.destination ?? bufferedStandardOutput());
}

// A burst of alerts logs thousands of lines a second, and one write system call per line took
// about a tenth of a worker's CPU. So standard output is written in chunks of up to 4 KiB, at
// least every 200 ms, and pino writes what is left when the process exits.
const LOG_CHUNK_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 200;

function bufferedStandardOutput(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_CHUNK_BYTES });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // The stream is closed, as at exit, and has nothing left to write.
      clearInterval(timer);
    }
  }, LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  return destination;
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

  /** The number of calls skipped since the last logged one. */
  get pending(): number {
    return this.skipped;
  }

  /**
   * Runs `log` with the number of calls skipped since the last logged one, if there are any.
   * The next call is then logged no sooner than a full interval later.
   */
  flush(log: (suppressed: number) => void): void {
    if (this.skipped === 0) return;
    log(this.skipped);
    this.lastAt = this.now();
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
 * connections, so each keeps its stack. Each message is logged at most once per 10 s, and
 * messages that differ only in the id after the word "job" count as one.
 */
export function workerErrorLog(
  logger: Logger,
  message: string,
  now: () => number = Date.now,
): (error: unknown) => void {
  return repeatedFailureLog(logger, 'error', message, now);
}

/**
 * Returns a handler for the failures of a task that runs again and again, such as a timer's,
 * which fails on every run while Redis is down. Each error message is logged with its stack at
 * most once per 10 s, with the number skipped. A count that no later failure reports is
 * logged on its own 10 s after the first skip, with the last error skipped. `fields`, such as
 * the ids of the failed job, go into the line of the error they came with.
 */
export function repeatedFailureLog(
  logger: Logger,
  level: 'warn' | 'error',
  message: string,
  now: () => number = Date.now,
): (error: unknown, fields?: Record<string, unknown>) => void {
  const lines = repeatedLineLog(logger, level, now);
  return (error, fields) => {
    // BullMQ names the job in its lock errors, and a Redis outage or a stalled process longer
    // than the lock gives one for every running job. They are counted under one key.
    const text = error instanceof Error ? error.message : String(error);
    lines(text.replace(/\bjob [^\s.]+/g, 'job'), message, { ...fields, err: error });
  };
}

/**
 * Returns a function that logs a line at most once per 10 s for each `key`, with the number of
 * lines of that key skipped since. A count that no later line reports is logged 10 s after its
 * first skip, with the message and fields of the last line skipped. At most 100 keys are
 * tracked, and all are forgotten when a new key would pass that.
 */
export function repeatedLineLog(
  logger: Logger,
  level: 'warn' | 'error',
  now: () => number = Date.now,
): (key: string, message: string, fields: Record<string, unknown>) => void {
  const limits = new Map<string, RepeatLimitedLog>();
  // The last skipped line of each count whose report is due.
  const flushes = new Map<RepeatLimitedLog, { message: string; fields: Record<string, unknown> }>();
  return (key, message, fields) => {
    let limit = limits.get(key);
    if (limit === undefined) {
      if (limits.size >= 100) limits.clear();
      limit = new RepeatLimitedLog(REPEATED_ERROR_INTERVAL_MS, now);
      limits.set(key, limit);
    }
    limit.run((suppressed) => logger[level]({ ...fields, suppressed }, message));
    if (limit.pending === 0) return;
    if (!flushes.has(limit)) {
      const pending = limit;
      setTimeout(() => {
        const last = flushes.get(pending);
        flushes.delete(pending);
        if (last === undefined) return;
        pending.flush((suppressed) => logger[level]({ ...last.fields, suppressed }, last.message));
      }, REPEATED_ERROR_INTERVAL_MS).unref();
    }
    flushes.set(limit, { message, fields });
  };
}

/** An object that reports failures through `error` events, such as a BullMQ Queue. */
interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Logs the `error` events of BullMQ queues, keyed by a name for the log line, as
 * `connectionErrorLog` does. A BullMQ Queue without an `error` listener prints each error with
 * its stack to standard error, several times a second while Redis is unreachable.
 */
export function logQueueErrors(logger: Logger, queues: Record<string, ErrorEmitter>): void {
  for (const [name, queue] of Object.entries(queues)) {
    queue.on('error', connectionErrorLog(logger, `${name} queue connection error`));
  }
}
