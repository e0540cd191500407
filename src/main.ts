import { existsSync } from 'node:fs';
import { RedisSettingsError, startApp } from './app.js';
import { ConfigError, describePlatforms, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { ensureRedis, RedisLaunchError } from './store/redis-launcher.js';

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

  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  try {
    redis = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, logger });
  } catch (error) {
    if (!(error instanceof RedisLaunchError)) throw error;
    logger.fatal(error.message);
    process.exit(1);
  }

  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp({ config, redisUrl: redis.url, logger });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error instanceof RedisSettingsError ? undefined : error }, message);
    await redis.stop();
    process.exit(1);
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    app
      .stop()
      .then(() => redis.stop())
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
