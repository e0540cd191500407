// Everything digests need, built once per process: the history recorder for MonitorEvents, the
// `digest` command, the job schedulers, and on worker processes the worker that posts them.

import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { repeatedFailureLog } from '../logger.js';
import { DigestScheduler, DigestWorker } from '../scheduler/digests.js';
import { canPostDigests, type DigestNotifier, type Notifier } from '../scheduler/notifier.js';
import type { Keys } from '../store/keys.js';
import type { MonitorStore } from '../store/monitors.js';
import type { TeamStore } from '../store/teams.js';
import { DigestCommands } from './commands.js';
import { DigestDeliveries } from './delivery-store.js';
import { DigestSource } from './digest-source.js';
import { HistoryRecorder } from './history-recorder.js';
import { HistoryStore } from './history-store.js';
import { DigestKeys } from './keys.js';
import { DigestPublisher } from './publisher.js';
import { DigestSettingsStore } from './settings-store.js';

/** How often a worker checks every team's job scheduler against its settings and zone. */
export const DIGEST_SYNC_INTERVAL_MS = 5 * 60_000;

export interface DigestsOptions {
  redis: Redis;
  connection: ConnectionOptions;
  keys: Keys;
  store: MonitorStore;
  teams: TeamStore;
  logger: Logger;
  clock: () => number;
}

export interface DigestWorkerStart {
  notifiers: Notifier[];
  fallback: DigestNotifier;
  lockMs?: number;
}

export class Digests {
  readonly recorder: HistoryRecorder;
  readonly commands: DigestCommands;
  readonly scheduler: DigestScheduler;
  private readonly source: DigestSource;
  private readonly settings: DigestSettingsStore;
  private readonly publisher: DigestPublisher;
  private worker: DigestWorker | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DigestsOptions) {
    const { redis, logger } = options;
    const digestKeys = new DigestKeys(options.keys.prefix);
    const history = new HistoryStore(redis, digestKeys);
    this.settings = new DigestSettingsStore(redis, digestKeys);
    this.scheduler = new DigestScheduler({ ...options, digestKeys, settings: this.settings });
    this.recorder = new HistoryRecorder({
      store: history,
      logger,
      onTeamSeen: (teamId) => this.scheduler.ensureTeam(teamId),
    });
    this.source = new DigestSource(options.store, history);
    this.commands = new DigestCommands({
      source: this.source,
      settings: this.settings,
      teams: options.teams,
      scheduling: this.scheduler,
    });
    this.publisher = new DigestPublisher(new DigestDeliveries(redis, digestKeys), logger);
  }

  /** Starts the worker that posts digests, and syncs every team's scheduler now and then. */
  async startWorker(start: DigestWorkerStart): Promise<void> {
    const { connection, keys, teams, logger, clock } = this.options;
    const notifiers = new Map(
      start.notifiers.filter(canPostDigests).map((notifier) => [notifier.platform, notifier]),
    );
    this.worker = new DigestWorker({
      connection,
      keys,
      source: this.source,
      publisher: this.publisher,
      settings: this.settings,
      teams,
      notifiers,
      fallback: start.fallback,
      logger,
      clock,
      ...(start.lockMs === undefined ? {} : { lockMs: start.lockMs }),
    });
    await this.scheduler.syncAll();
    const syncFailed = repeatedFailureLog(logger, 'error', 'digest schedule sync failed');
    this.timer = setInterval(() => {
      this.scheduler.syncAll().catch(syncFailed);
    }, DIGEST_SYNC_INTERVAL_MS);
  }

  /** Stops the worker and closes the queue. Safe to call twice. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const results = await Promise.allSettled([this.worker?.close(), this.scheduler.close()]);
    this.worker = null;
    for (const result of results) {
      if (result.status === 'rejected') {
        this.options.logger.error({ err: result.reason }, 'error while stopping digests');
      }
    }
  }
}
