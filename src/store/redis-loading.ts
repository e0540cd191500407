// A Redis that restarts loads its dataset into memory before it serves commands, and rejects
// them with LOADING until then. This module reads the load's progress, for the command line's
// messages and for the log lines of a service that waits to start.

import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isLoadingReply } from './redis-errors.js';
import { maskRedisUrl } from './redis-url.js';

/** Progress of a Redis that is loading its dataset, from INFO persistence. Missing fields are null. */
export interface LoadingProgress {
  percent: number | null;
  etaSeconds: number | null;
}

function parseLoadingProgress(info: string): LoadingProgress | null {
  const fields = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  if (fields.get('loading') !== '1') return null;
  const percent = Number.parseFloat(fields.get('loading_loaded_perc') ?? '');
  const etaSeconds = Number.parseInt(fields.get('loading_eta_seconds') ?? '', 10);
  return {
    percent: Number.isFinite(percent) ? percent : null,
    etaSeconds: Number.isFinite(etaSeconds) ? etaSeconds : null,
  };
}

/**
 * Returns the progress of the dataset load when Redis is loading one, or null when it is not.
 * Redis serves INFO while it loads. When INFO is not allowed to this user (NOPERM), this
 * returns null, and a command that Redis then rejects is reported as a LOADING error.
 */
export async function readLoadingProgress(redis: Redis): Promise<LoadingProgress | null> {
  let info: string;
  try {
    info = await redis.info('persistence');
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (isLoadingReply(error)) return { percent: null, etaSeconds: null };
    if (/\bNOPERM\b/.test(error.message)) return null;
    throw error;
  }
  return parseLoadingProgress(info);
}

/**
 * Returns the progress in parentheses, such as " (37% done, about 3 s left)", or an empty
 * string when Redis gave neither. The time left is shown only `withEta`.
 */
export function formatLoadingProgress(progress: LoadingProgress, withEta: boolean): string {
  const parts: string[] = [];
  if (progress.percent !== null) parts.push(`${Math.floor(progress.percent)}% done`);
  if (withEta && progress.etaSeconds !== null) {
    // Redis gives the estimate in whole seconds, so 0 means less than a second.
    const eta = progress.etaSeconds > 0 ? `about ${progress.etaSeconds} s` : 'less than 1 s';
    parts.push(`${eta} left`);
  }
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export interface LoadingWatchOptions {
  /** How long a connect may wait before the first look at Redis. Default 1 s. */
  firstCheckMs?: number;
  /** How often the progress is logged while the load goes on. Default 10 s. */
  intervalMs?: number;
}

/** A running watch of a dataset load, which `stop` ends once the connect has finished. */
export interface LoadingWatch {
  /** Ends the watch. With `ready`, logs that the load finished when one was logged. */
  stop(ready: boolean): void;
}

/**
 * Logs the progress of a Redis that loads its dataset while a connect to `url` waits for it,
 * so that a service that starts after a Redis restart logs why it waits. ioredis's own ready
 * check waits for the load and logs nothing. The watch uses a connection of its own, because
 * the waiting client takes no commands until it is ready. It logs nothing when Redis is not
 * loading, and nothing when the look at Redis fails: the connect reports that failure.
 */
export function watchLoading(
  url: string,
  logger: Logger,
  options: LoadingWatchOptions = {},
): LoadingWatch {
  const firstCheckMs = options.firstCheckMs ?? 1000;
  const intervalMs = options.intervalMs ?? 10_000;
  const masked = maskRedisUrl(url);
  const started = Date.now();
  let probe: Redis | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let logged = false;

  const newProbe = () => {
    const client = new Redis(url, {
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      commandTimeout: 3000,
    });
    client.on('error', () => {});
    return client;
  };

  const check = async () => {
    // A probe whose connection failed does not reconnect, so the next look takes a new one.
    if (probe?.status === 'end') probe = null;
    probe ??= newProbe();
    let progress: LoadingProgress | null = null;
    try {
      if (probe.status === 'wait') await probe.connect();
      progress = await readLoadingProgress(probe);
    } catch {
      // The waiting connect fails too, or it finishes, and either ends the watch.
    }
    if (stopped) return;
    if (progress !== null) {
      if (!logged) {
        logger.warn(
          `Redis at ${masked} is loading its dataset into memory` +
            `${formatLoadingProgress(progress, true)}. Drumbeat starts when the load has finished.`,
        );
      } else {
        logger.info(
          `Redis at ${masked} is still loading its dataset${formatLoadingProgress(progress, true)}`,
        );
      }
      logged = true;
    }
    timer = setTimeout(check, intervalMs);
  };

  timer = setTimeout(check, firstCheckMs);
  return {
    stop(ready: boolean) {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      probe?.disconnect();
      if (ready && logged) {
        const seconds = Math.round((Date.now() - started) / 1000);
        logger.info(`Redis finished loading its dataset, after a wait of ${seconds} s`);
      }
    },
  };
}
