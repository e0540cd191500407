import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';
import { findFreePort, probeRedis } from './redis-probe.js';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;
const POLL_INTERVAL_MS = 50;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_OUTPUT_LINES = 20;

export interface RedisHandle {
  url: string;
  /** True when this process started the Redis, and so `stop()` stops it. */
  started: boolean;
  /** Stops the Redis if this process started it, and does nothing otherwise. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EnsureRedisOptions {
  /** REDIS_URL, used as it is when set. */
  redisUrl: string | null;
  /** Data directory of a private Redis (its AOF and RDB files), created when missing. */
  dataDir: string;
  logger: Logger;
  /** Port on 127.0.0.1 to look for Redis on, and to start one on. Default 6379. */
  port?: number;
  /** Directories to search for redis-server, in PATH format. Default `process.env.PATH`. */
  searchPath?: string;
  /**
   * Time a started redis-server has to reply to PING, with PONG or with LOADING while it replays
   * its AOF. Default 30 s.
   */
  startTimeoutMs?: number;
}

export type RedisLaunchErrorCode =
  | 'redis_not_installed'
  | 'redis_auth_required'
  | 'redis_start_failed';

export class RedisLaunchError extends Error {
  override readonly name = 'RedisLaunchError';

  constructor(
    readonly code: RedisLaunchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function findExecutable(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function localUrl(port: number): string {
  return `redis://${HOST}:${port}`;
}

function externalRedis(url: string): RedisHandle {
  return { url, started: false, stop: async () => {} };
}

function notInstalledError(port: number): RedisLaunchError {
  return new RedisLaunchError(
    'redis_not_installed',
    `No Redis answers on ${HOST}:${port}, and redis-server is not on PATH. ` +
      'Install Redis (Debian or Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
      'and start Drumbeat again, or set REDIS_URL to a Redis you run, ' +
      'for example REDIS_URL=redis://127.0.0.1:6379.',
  );
}

/**
 * Returns the Redis to use. REDIS_URL wins when set. Otherwise a Redis that replies to PING on
 * 127.0.0.1:6379 is used, and when none does, a private redis-server is started with its data
 * in `dataDir` (AOF on, `maxmemory-policy noeviction`). Throws `RedisLaunchError` when there is
 * no redis-server to start, or when the local Redis needs a password.
 */
export async function ensureRedis(options: EnsureRedisOptions): Promise<RedisHandle> {
  const { logger } = options;
  if (options.redisUrl !== null) {
    logger.info('Using the Redis given by REDIS_URL');
    return externalRedis(options.redisUrl);
  }

  const port = options.port ?? DEFAULT_PORT;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const found = await probeRedis(port);
  if (found === 'redis' || found === 'loading') {
    // A Redis that loads its dataset is used as well: the connect waits for the load, and
    // logs its progress.
    logger.info({ port }, `Using the Redis on ${HOST}:${port}`);
    return externalRedis(localUrl(port));
  }
  if (found === 'auth-required') {
    throw new RedisLaunchError(
      'redis_auth_required',
      `The Redis on ${HOST}:${port} requires a password. ` +
        `Set REDIS_URL=redis://:<password>@${HOST}:${port}, or REDIS_URL to another Redis.`,
    );
  }

  const executable = findExecutable('redis-server', options.searchPath ?? process.env.PATH ?? '');
  if (executable === null) throw notInstalledError(port);

  let listenPort = port;
  if (found === 'other') {
    listenPort = await findFreePort();
    logger.warn(
      { port, listenPort },
      `Something that is not Redis listens on ${HOST}:${port}, ` +
        `so the private Redis uses port ${listenPort}`,
    );
  }
  return startPrivateRedis({
    executable,
    port: listenPort,
    dataDir: options.dataDir,
    logger,
    startTimeoutMs,
  });
}

interface StartOptions {
  executable: string;
  port: number;
  dataDir: string;
  logger: Logger;
  startTimeoutMs: number;
}

function spawnRedisServer(executable: string, port: number, dataDir: string): ChildProcess {
  const args = [
    ...['--port', String(port), '--bind', HOST, '--dir', dataDir],
    ...['--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--hz', '100'],
    ...['--daemonize', 'no'],
  ];
  // A process group of its own keeps Ctrl-C in a terminal from stopping Redis before the
  // service has closed its connections, so stop() decides the order.
  // NOTE: if this process is killed with SIGKILL, the redis-server keeps running. The next
  // start finds it on the port and uses it.
  return spawn(executable, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function startPrivateRedis(options: StartOptions): Promise<RedisHandle> {
  const { port, dataDir, logger } = options;
  mkdirSync(dataDir, { recursive: true });
  const child = spawnRedisServer(options.executable, port, dataDir);
  const output = forwardOutput(child, logger.child({ component: 'redis-server' }));
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);

  try {
    await waitForAnswer(port, options.startTimeoutMs, child);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    await waitForClose(child);
    return recoverFromFailedStart(port, logger, error, output);
  }
  logger.info(
    { port, dataDir, redisPid: child.pid },
    `Started a private Redis on ${HOST}:${port} with its data in ${dataDir}. ` +
      'Set REDIS_URL to use a Redis of your own.',
  );

  let stopping: Promise<void> | null = null;
  child.on('error', (error) => logger.error({ err: error }, 'Signalling the private Redis failed'));
  child.once('exit', (code, signal) => {
    process.off('exit', killOnExit);
    if (stopping === null) logger.error({ code, signal }, 'The private Redis exited unexpectedly');
  });
  const stop = () => {
    stopping ??= stopChild(child).then(() => logger.info({ port }, 'Stopped the private Redis'));
    return stopping;
  };
  return { url: localUrl(port), started: true, stop };
}

/**
 * Handles a redis-server that exited or never replied. Two Drumbeat processes started at once
 * both try the port, so when another Redis replies there now, that one is used.
 */
async function recoverFromFailedStart(
  port: number,
  logger: Logger,
  error: unknown,
  output: string[],
): Promise<RedisHandle> {
  if ((await probeRedis(port)) === 'redis') {
    logger.info({ port }, `Using the Redis that started on ${HOST}:${port} at the same time`);
    return externalRedis(localUrl(port));
  }
  const reason = error instanceof Error ? error.message : String(error);
  const lastLines = output.length > 0 ? ` Its last output:\n${output.join('\n')}` : '';
  throw new RedisLaunchError(
    'redis_start_failed',
    `The private Redis on ${HOST}:${port} did not start: ${reason}. Fix the cause in its ` +
      `output, or set REDIS_URL to a Redis you run.${lastLines}`,
  );
}

/**
 * Redis log lines end in `<level mark> <text>`. Redis 7 logs its start and shutdown with the
 * warning mark `#` too, so only `#` lines whose text starts with WARNING are logged as warnings.
 */
const REDIS_LOG_LINE = /^\d+:[A-Z] .*? ([.\-*#]) (.*)$/;

/** Logs redis-server's output line by line and keeps the last lines for an error message. */
function forwardOutput(child: ChildProcess, logger: Logger): string[] {
  const lastLines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() === '') return;
      lastLines.push(line);
      if (lastLines.length > KEPT_OUTPUT_LINES) lastLines.shift();

      const match = REDIS_LOG_LINE.exec(line);
      const text = match?.[2] ?? line;
      if (match?.[1] === '#' && text.startsWith('WARNING')) logger.warn(text);
      else logger.debug(text);
    });
  }
  return lastLines;
}

/** Polls until PING gets PONG or LOADING; fails when `child` exits first or after `timeoutMs`. */
async function waitForAnswer(port: number, timeoutMs: number, child: ChildProcess) {
  let exitReason: string | null = null;
  child.once('exit', (code, signal) => {
    exitReason = `redis-server exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
  });
  child.once('error', (error) => {
    exitReason = `redis-server could not be run (${error.message})`;
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitReason !== null) throw new Error(exitReason);
    // A server that replays a long AOF replies LOADING until it is done. It is running, so the
    // connect waits for the load and logs its progress, and the start time limit is not spent.
    const found = await probeRedis(port);
    if (found === 'redis' || found === 'loading') return;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`it did not reply to PING within ${timeoutMs} ms`);
}

/** Waits until the child's output streams are read to the end, so its last lines are logged. */
function waitForClose(child: ChildProcess): Promise<void> {
  if (child.stdout?.closed !== false && child.stderr?.closed !== false) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends SIGTERM, which makes Redis flush the AOF and exit, and SIGKILL if it hangs. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
