import express from 'express';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CommandCore } from './bot/commands/core.js';
import { LogNotifier } from './bot/log-notifier.js';
import { createAlertRenderer } from './bot/renderer.js';
import type { Config } from './config.js';
import { Digests } from './digest/digests.js';
import type { Platform } from './domain/types.js';
import { RedisPingRecorder } from './ingest/record-ping.js';
import { createHttpServer, type HttpServer } from './ingest/server.js';
import { connectionErrorLog, logQueueErrors, repeatedFailureLog } from './logger.js';
import { mountChatPlatforms } from './platforms.js';
import { checkReadiness, type ReadinessParts } from './readiness.js';
import { DeadlineWorker } from './scheduler/deadline-worker.js';
import { Deadlines } from './scheduler/deadlines.js';
import { IngestHeartbeat } from './scheduler/ingest-heartbeat.js';
import { MonitorEvents } from './scheduler/monitor-events.js';
import { NotificationQueue, NotificationWorker } from './scheduler/notifications.js';
import type { Notifier } from './scheduler/notifier.js';
import { reconnectDelayMs } from './scheduler/redis-retry.js';
import { Sweep } from './scheduler/sweep.js';
import { DeliveryStore } from './store/deliveries.js';
import { Keys } from './store/keys.js';
import { MonitorStore } from './store/monitors.js';
import { watchLoading } from './store/redis-loading.js';
import { checkRedisSettings } from './store/redis-settings.js';
import { maskRedisUrl } from './store/redis-url.js';
import { TeamStore } from './store/teams.js';
import { coalesceWrites } from './store/write-coalescing.js';

export interface AppOptions {
  config: Config;
  /** The Redis to use; REDIS_URL resolved to a running server. */
  redisUrl: string;
  logger: Logger;
  clock?: () => number;
  /** How often the sweep checks for overdue deadlines and undrained outboxes, in ms. */
  sweepIntervalMs?: number;
}

export interface RunningApp {
  /** The bound HTTP port, when this process runs the web role. */
  port: number | null;
  core: CommandCore;
  store: MonitorStore;
  events: MonitorEvents;
  /** Stops taking work, finishes what is in flight, and closes every connection. */
  stop(): Promise<void>;
}

/** Thrown when Redis is set up in a way that would lose deadlines. */
export class RedisSettingsError extends Error {
  override readonly name = 'RedisSettingsError';
}

// How long the public URL that a web process stores for the command line outlives its last beat.
const PUBLIC_URL_TTL_SECONDS = 60;

/** A start failure whose message says all a user needs; it is logged without a stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

async function connectRedis(url: string, logger: Logger, coalesce: boolean): Promise<Redis> {
  // Commands fail at once while Redis is unreachable, so a ping gets 503 instead of waiting.
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // ioredis sends a command again on the new connection when its connection dropped before
    // the reply (`autoResendUnfulfilledCommands`). A compare-and-set sent twice finds its own
    // write (see COMPARE_AND_SET), so a ping is not applied a second time.
    maxRetriesPerRequest: 1,
    // While Redis loads its dataset, the ready check looks again after this long at most
    // (10 s by default), so the start goes on soon after the load ends.
    maxLoadingRetryTime: 1000,
  });
  // Commands made in the same turn of the event loop share one socket write. Deadline jobs
  // running at once each make several, and the writes were a quarter of a worker's CPU. The
  // ping path batches its commands itself, so a process that takes pings is left as it was.
  if (coalesce) coalesceWrites(redis);
  let lastError: Error | null = null;
  let wasReady = false;
  const logError = connectionErrorLog(logger, 'redis connection error');
  redis.on('error', (error) => {
    lastError = error;
    // A failure of the first connect ends the start with a message of its own.
    if (wasReady) logError(error);
  });
  redis.on('ready', () => {
    if (wasReady) logger.info('redis connection back');
    wasReady = true;
  });
  // A Redis that restarts loads its dataset before it serves commands, and the connect waits.
  const loading = watchLoading(url, logger);
  try {
    await redis.connect();
    loading.stop(true);
  } catch (error) {
    loading.stop(false);
    redis.disconnect();
    // ioredis rejects with "Connection is closed"; the cause is in the last error event.
    const cause = (lastError ?? (error as Error)).message;
    throw new StartupError(
      `Cannot connect to Redis at ${maskRedisUrl(url)}: ${cause}. Start Redis, or set REDIS_URL to one that runs.`,
    );
  }
  const report = await checkRedisSettings(redis);
  // Warnings are logged only when the start goes on, so a failed start logs the error that
  // stops it and no advice about a Redis that the service will not use.
  if (!report.ok) {
    redis.disconnect();
    throw new RedisSettingsError(report.problems.join('\n'));
  }
  for (const warning of report.warnings) logger.warn(warning);
  return redis;
}

/** Starts the roles of this process: the web server, the workers, or both. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options;
  const clock = options.clock ?? Date.now;
  const takesPings = config.roles.includes('web');
  const redis = await connectRedis(options.redisUrl, logger, !takesPings);
  const keys = new Keys(config.keyPrefix);
  const connection = {
    url: options.redisUrl,
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelayMs,
  };
  const store = new MonitorStore(redis, keys);
  const teams = new TeamStore(redis, keys);
  const deliveries = new DeliveryStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  const digests = new Digests({ redis, connection, keys, store, teams, logger, clock });
  logQueueErrors(logger, {
    deadline: deadlines.queue,
    notification: notifications.queue,
    digest: digests.scheduler.queue,
  });
  const events = new MonitorEvents(
    store,
    deadlines,
    notifications,
    logger,
    clock,
    digests.recorder,
  );
  const core = new CommandCore({
    store,
    teams,
    events,
    logger,
    publicUrl: config.publicUrl,
    digests: digests.commands,
  });
  const heartbeat = new IngestHeartbeat(redis, keys, clock, config.downtimeThresholdMs);
  const readiness: ReadinessParts = {
    redis,
    queues: { deadlines: deadlines.queue, notifications: notifications.queue },
    workers: {},
  };
  const closers: (() => Promise<void>)[] = [];
  const timers: NodeJS.Timeout[] = [];

  const chat = await mountChatPlatforms({ config, core, logger, clock, store, teams });
  closers.push(chat.stop);

  let http: HttpServer | null = null;
  let port: number | null = null;
  if (config.roles.includes('web')) {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.type('text/plain').send('OK');
    });
    app.get('/readyz', async (_req, res) => {
      const report = await checkReadiness(readiness);
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    });
    for (const mount of chat.routers) app.use(mount.path, mount.router);
    // express's own 404 is an HTML page, and the rest of the service responds in plain text.
    app.use((_req, res) => {
      res.status(404).type('text/plain').send('not found');
    });
    const recorder = new RedisPingRecorder({
      store,
      teams,
      events,
      logger,
      clock,
      rateLimit: { windowSeconds: 60, maxPings: config.pingRatePerMinute },
    });
    http = createHttpServer({ recorder, app, logger, bodyLimitBytes: config.pingBodyLimitBytes });
    port = (await http.listen(config.port, config.host)).port;
    // Stored with each beat and kept a minute, so that the URL of a stopped service goes away.
    const storePublicUrl = () =>
      redis.set(keys.servicePublicUrl(), config.publicUrl, 'EX', PUBLIC_URL_TTL_SECONDS);
    await storePublicUrl();
    await heartbeat.beat();
    // Both fail every 5 s while Redis is down, so their lines are limited like the clients'.
    const beatFailed = repeatedFailureLog(logger, 'warn', 'ingest heartbeat failed');
    const urlFailed = repeatedFailureLog(logger, 'warn', 'public URL not stored');
    timers.push(
      setInterval(() => {
        heartbeat.beat().catch(beatFailed);
        storePublicUrl().catch(urlFailed);
      }, heartbeat.intervalMs),
    );
  }

  if (config.roles.includes('worker')) {
    const notifiers = new Map<Platform, Notifier>(chat.notifiers.map((n) => [n.platform, n]));
    const fallback = new LogNotifier(logger);
    const renderer = createAlertRenderer(teams);
    const notificationWorker = new NotificationWorker({
      connection,
      keys,
      store,
      deliveries,
      notifiers,
      fallback,
      renderer,
      logger,
      clock,
      lockMs: config.jobLockMs,
    });
    // Deadline jobs in this process post the first message of an incident themselves.
    events.setFirstPoster(notificationWorker);
    const deadlineWorker = new DeadlineWorker({
      connection,
      keys,
      store,
      deadlines,
      events,
      heartbeat,
      logger,
      clock,
      lockMs: config.jobLockMs,
      redis,
    });
    readiness.workers = {
      deadlines: deadlineWorker.worker,
      notifications: notificationWorker.worker,
    };
    const sweepIntervalMs = options.sweepIntervalMs ?? config.sweepIntervalMs;
    // Twice the interval, so that a job the workers are merely slow to start is left alone.
    const overdueMs = 2 * sweepIntervalMs;
    const sweep = new Sweep({ store, deadlines, events, logger, clock, overdueMs });
    await sweep.rebuildAll();
    await digests.startWorker({ notifiers: chat.notifiers, fallback, lockMs: config.jobLockMs });
    const sweepFailed = repeatedFailureLog(logger, 'error', 'sweep failed');
    timers.push(
      setInterval(() => {
        sweep.runOnce().catch(sweepFailed);
      }, sweepIntervalMs),
    );
    closers.push(
      () => deadlineWorker.close(),
      () => notificationWorker.close(),
    );
  }

  logger.info({ roles: config.roles, port }, 'drumbeat started');
  let stopping: Promise<void> | null = null;
  const stop = async () => {
    for (const timer of timers) clearInterval(timer);
    if (http) await http.close();
    // Close every part even when one fails, so a stop never leaves connections behind.
    const results = await Promise.allSettled(closers.map((close) => close()));
    for (const result of results) {
      if (result.status === 'rejected')
        logger.error({ err: result.reason }, 'error while stopping');
    }
    await Promise.allSettled([deadlines.close(), notifications.close(), digests.close()]);
    await redis.quit().catch(() => redis.disconnect());
    logger.info('drumbeat stopped');
  };
  return {
    port,
    core,
    store,
    events,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
