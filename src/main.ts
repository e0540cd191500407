import { existsSync } from 'node:fs';
import { RedisSettingsError, StartupError, startApp } from './app.js';
import { type Config, ConfigError, describePlatforms, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { ensureRedis, RedisLaunchError } from './store/redis-launcher.js';

/**
 * Returns a one-line explanation for a start failure that the user can fix, or null for an
 * unexpected one, which is logged with its stack.
 */
function describeStartFailure(error: unknown, config: Config): string | null {
  if (error instanceof RedisSettingsError || error instanceof StartupError) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const host = config.host ?? 'every interface';
  if (code === 'EADDRINUSE') {
    return `Port ${config.port} is in use on ${host}. Stop what runs there, or set PORT to a free port.`;
  }
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return `Cannot listen on HOST=${config.host}: it is not an address of this machine. Set HOST to one, such as 127.0.0.1, or leave it unset.`;
  }
  if (code === 'EACCES') {
    return `Not allowed to listen on port ${config.port}: ports below 1024 need root. Set PORT to 1024 or above.`;
  }
  return null;
}

/** Starts Drumbeat from the environment, and stops it cleanly on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  // A .env file in the working directory fills in variables that are not set already.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `Drumbeat cannot start, because the configuration is invalid:\n${error.message}\n`,
    );
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  logger.info(describePlatforms(config));

  // A signal before the start has finished, as while Redis loads its dataset, ends the start.
  // Nothing is running yet but a private Redis, which is stopped with the process.
  let redis: Awaited<ReturnType<typeof ensureRedis>> | undefined;
  const stopStarting = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping before the start finished');
    const stopped = redis?.stop() ?? Promise.resolve();
    stopped.then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stopStarting);
  process.once('SIGINT', stopStarting);

  try {
    redis = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, logger });
  } catch (error) {
    if (!(error instanceof RedisLaunchError)) throw error;
    logger.fatal(error.message);
    process.exit(1);
  }

  const handle = redis;
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp({ config, redisUrl: handle.url, logger });
  } catch (error) {
    const known = describeStartFailure(error, config);
    if (known !== null) logger.fatal(known);
    else logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    await handle.stop();
    process.exit(1);
  }
  process.off('SIGTERM', stopStarting);
  process.off('SIGINT', stopStarting);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      const message =
        `The stop did not finish within ${config.stopTimeoutMs} ms, so the process exits without ` +
        'it. Set DRUMBEAT_STOP_TIMEOUT_MS to wait longer.';
      logger.error({ signal }, message);
      process.exit(1);
    }, config.stopTimeoutMs);
    app
      .stop()
      .then(() => handle.stop())
      .then(
        () => process.exit(0),
        (error) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
}

await main();
