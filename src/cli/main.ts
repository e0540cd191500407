import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import { CommandCore } from '../bot/commands/core.js';
import { errorReply } from '../bot/commands/replies.js';
import { replyToText } from '../bot/text-reply.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { Digests } from '../digest/digests.js';
import { createLogger } from '../logger.js';
import { Deadlines } from '../scheduler/deadlines.js';
import { IngestHeartbeat } from '../scheduler/ingest-heartbeat.js';
import { MonitorEvents } from '../scheduler/monitor-events.js';
import { NotificationQueue } from '../scheduler/notifications.js';
import { Keys } from '../store/keys.js';
import { MonitorStore } from '../store/monitors.js';
import { checkRedisSettings } from '../store/redis-settings.js';
import { maskRedisUrl } from '../store/redis-url.js';
import { TeamStore } from '../store/teams.js';
import { runExplain } from './explain.js';
import {
  connectWithin,
  createRedisClient,
  describeLoadingWait,
  describeRedisFailure,
  isRedisFailure,
  REDIS_LOADING_WAIT_MS,
  REDIS_RESPONSE_TIMEOUT_MS,
  RedisTimeoutError,
  waitWhileLoading,
} from './redis-client.js';
import { currentDirectoryEntries, describeGlobExpansion } from './shell-glob.js';

const USAGE = `Usage: drumbeat <command>

Runs a /drumbeat command against the Drumbeat whose Redis is at REDIS_URL (default
redis://127.0.0.1:6379). Monitors made here belong to the team "cli:local", and their
alerts are written to the log of the running service (npm start).

  drumbeat new backup every 1 minute
  drumbeat list
  drumbeat status backup
  drumbeat explain [--as schedule|until] [--tz ZONE] [--from ISO-TIME] [--count N] [--json] TEXT
  drumbeat help            all commands
  drumbeat --version       the version of this Drumbeat
`;

/** The team of every monitor made on the command line. */
const CLI_TEAM_ID = 'cli:local';

const EXPLAIN_HELP = `
On the command line only:
  npx drumbeat explain [--as schedule|until] [--tz ZONE] [--from ISO-TIME] [--count N] [--json] TEXT
      shows how Drumbeat reads a schedule or a silence end, and creates nothing
`;

/**
 * Warns when no service takes pings for this Redis and key prefix: monitors made here would
 * then never be watched, and their ping URLs would not answer.
 */
async function warnWithoutService(redis: Redis, keys: Keys): Promise<void> {
  const heartbeat = new IngestHeartbeat(redis, keys, Date.now, 60_000);
  const status = await heartbeat.status().catch(() => null);
  if (status && heartbeat.isUp(status, Date.now())) return;
  process.stderr.write(
    `\nWarning: no Drumbeat service has taken pings with this Redis and key prefix (${keys.prefix}) in the last minute. ` +
      'Start one with npm start, with the same REDIS_URL, DRUMBEAT_KEY_PREFIX and PUBLIC_URL as here.\n',
  );
}

/** Runs one chat command through the shared command core; returns the exit status. */
async function runCommand(text: string): Promise<number> {
  const config = loadConfig(process.env);
  const url = config.redisUrl ?? 'redis://127.0.0.1:6379';
  const redis = createRedisClient(url);
  try {
    await connectWithin(redis, REDIS_RESPONSE_TIMEOUT_MS);
  } catch (error) {
    // Without this the client keeps reconnecting, and the command never exits.
    redis.disconnect();
    if (error instanceof RedisTimeoutError) {
      process.stderr.write(`${describeRedisFailure(error, maskRedisUrl(url))}\n`);
    } else {
      // npm start starts a Redis of its own only when REDIS_URL is unset.
      const fix =
        config.redisUrl === null
          ? 'Start Drumbeat with npm start, or set REDIS_URL.'
          : 'Start redis-server there, or set REDIS_URL to a Redis that runs.';
      process.stderr.write(`Cannot reach Redis at ${maskRedisUrl(url)}. ${fix}\n`);
    }
    return 1;
  }
  try {
    await waitWhileLoading(redis, REDIS_LOADING_WAIT_MS, (progress) => {
      process.stderr.write(`${describeLoadingWait(progress, maskRedisUrl(url))}\n`);
    });
    // The service does not start on a Redis that fails this check. It runs before any BullMQ
    // queue is created, because BullMQ prints its own eviction warning for each queue.
    const report = await checkRedisSettings(redis);
    if (!report.ok) {
      for (const problem of report.problems) {
        process.stderr.write(`Cannot use Redis at ${maskRedisUrl(url)}. ${problem}\n`);
      }
      redis.disconnect();
      return 1;
    }
    const status = await runWithQueues(redis, config, text);
    await redis.quit();
    return status;
  } catch (error) {
    redis.disconnect();
    const message = describeRedisFailure(error, maskRedisUrl(url));
    if (message === null) throw error;
    process.stderr.write(`${message}\n`);
    return 1;
  }
}

/**
 * Returns the base of the ping URLs to show. PUBLIC_URL wins when it is set here. Otherwise the
 * URL that the service's web process stored at its start is used, then the default.
 */
async function publicUrl(redis: Redis, keys: Keys, config: Config): Promise<string> {
  if (process.env.PUBLIC_URL?.trim()) return config.publicUrl;
  return (await redis.get(keys.servicePublicUrl())) ?? config.publicUrl;
}

/**
 * Runs `text` through the command core, with the BullMQ queues it writes to on the one `redis`
 * client, and prints the reply. Throws the Redis failures that `describeRedisFailure` describes.
 */
async function runWithQueues(redis: Redis, config: Config, text: string): Promise<number> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  const keys = new Keys(config.keyPrefix);
  const store = new MonitorStore(redis, keys);
  const deadlines = new Deadlines(redis, keys, store, logger);
  const notifications = new NotificationQueue(redis, keys);
  const teams = new TeamStore(redis, keys);
  const digests = new Digests({
    redis,
    connection: redis,
    keys,
    store,
    teams,
    logger,
    clock: Date.now,
  });
  // A queue's `error` events repeat the errors of the shared client, whose failed commands
  // this command line reports itself. Without a listener, BullMQ prints each one with its stack.
  for (const queue of [deadlines.queue, notifications.queue, digests.scheduler.queue]) {
    queue.on('error', () => {});
  }
  const events = new MonitorEvents(
    store,
    deadlines,
    notifications,
    logger,
    Date.now,
    digests.recorder,
  );
  const core = new CommandCore({
    store,
    teams,
    events,
    logger,
    publicUrl: await publicUrl(redis, keys, config),
    digests: digests.commands,
  });
  try {
    const reply = await core.runOrThrow(text, {
      platform: 'cli',
      teamId: CLI_TEAM_ID,
      userId: `cli:${userInfo().username}`,
      channelId: 'log',
      now: Date.now(),
      userTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    // Replies are worded for chat; on the command line the same commands start `npx drumbeat`.
    let output = replyToText(reply).replaceAll('/drumbeat ', 'npx drumbeat ');
    if (/^help\b/i.test(text.trim()) || text.trim() === '') output += EXPLAIN_HELP;
    (reply.isError ? process.stderr : process.stdout).write(output);
    await warnWithoutService(redis, keys);
    return reply.isError ? 2 : 0;
  } catch (error) {
    if (!isRedisFailure(error)) {
      // Any other error is logged with its stack, and the reply is the apology that chat gets.
      logger.error({ err: error, teamId: CLI_TEAM_ID }, 'command failed');
      process.stderr.write(replyToText(errorReply(error)));
      return 2;
    }
    // Closed first, so closing the queues does not wait on a Redis that may not respond.
    redis.disconnect();
    throw error;
  } finally {
    await Promise.allSettled([deadlines.close(), notifications.close(), digests.close()]);
  }
}

async function main(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === '-V') {
    const manifest = new URL('../../package.json', import.meta.url);
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    process.stdout.write(`drumbeat ${version}\n`);
    return 0;
  }
  if (argv[0] === 'explain') {
    return runExplain(argv.slice(1), {
      stdout: process.stdout,
      stderr: process.stderr,
      now: Date.now,
      directoryEntries: currentDirectoryEntries,
    });
  }
  // Checked before connecting, so a command that the shell expanded never reaches Redis.
  const globMessage = describeGlobExpansion(argv, currentDirectoryEntries());
  if (globMessage !== null) {
    process.stderr.write(`${globMessage}\n`);
    return 2;
  }
  try {
    return await runCommand(argv.join(' '));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
