// A frozen-clock world for digest tests: the real store, state machine and history recorder on
// a real Redis, with a clock the test sets. Deadline jobs are queued but no worker runs them;
// the test applies deadline events itself at the times they would fire.

import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { HistoryRecorder } from '../../src/digest/history-recorder.js';
import { HistoryStore } from '../../src/digest/history-store.js';
import { DigestKeys } from '../../src/digest/keys.js';
import type { MonitorEvent } from '../../src/domain/machine.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor, PingKind, Schedule } from '../../src/domain/types.js';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../src/scheduler/notifications.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { pingFixture } from '../support/monitors.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

export const TEAM = 'slack:T0OWNER01';
export const OWNER = 'U0OWNER01';
export const TEAMMATE = 'U0MATE001';

export class HistoryWorld {
  nowMs = 0;
  readonly keys: Keys;
  readonly digestKeys: DigestKeys;
  readonly store: MonitorStore;
  readonly teams: TeamStore;
  readonly history: HistoryStore;
  readonly events: MonitorEvents;
  private readonly deadlines: Deadlines;
  private readonly notifications: NotificationQueue;

  private constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
    this.keys = new Keys(prefix);
    this.digestKeys = new DigestKeys(prefix);
    this.store = new MonitorStore(redis, this.keys);
    this.teams = new TeamStore(redis, this.keys);
    // A fixed "random" number keeps the run-time sample deterministic.
    this.history = new HistoryStore(redis, this.digestKeys, () => 0.5);
    this.deadlines = new Deadlines(connection, this.keys, this.store, logger);
    this.notifications = new NotificationQueue(connection, this.keys);
    const recorder = new HistoryRecorder({ store: this.history, logger });
    this.events = new MonitorEvents(
      this.store,
      this.deadlines,
      this.notifications,
      logger,
      () => this.nowMs,
      recorder,
    );
  }

  static start(name: string): HistoryWorld {
    return new HistoryWorld(connectTestRedis(), uniquePrefix(name));
  }

  async createMonitor(
    name: string,
    schedule: Schedule,
    options: { graceMs?: number; channelId?: string } = {},
  ): Promise<Monitor> {
    const monitor = buildMonitor(
      {
        id: newMonitorId(),
        token: newPingToken(),
        teamId: TEAM,
        platform: 'slack',
        channelId: options.channelId ?? 'C0ALERTS1',
        name,
        schedule,
        graceMs: options.graceMs ?? null,
        maxRuntimeMs: null,
        createdBy: OWNER,
      },
      this.nowMs,
    );
    await this.store.create(monitor);
    return monitor;
  }

  async ping(monitor: Monitor, kind: PingKind, exitStatus: number | null = null): Promise<void> {
    const input = pingFixture(kind, { exitStatus });
    await this.events.apply(monitor.id, { type: 'ping', ping: input }, { pingAt: this.nowMs });
  }

  async apply(monitor: Monitor, event: MonitorEvent): Promise<void> {
    await this.events.apply(monitor.id, event);
  }

  /** Fires the monitor's deadline job at 1 ms past its deadline, as the deadline worker would. */
  async fireDeadline(monitor: Monitor): Promise<void> {
    const stored = await this.store.get(monitor.id);
    if (stored?.monitor.dueAt == null) throw new Error(`${monitor.name} has no deadline`);
    this.nowMs = stored.monitor.dueAt + 1;
    await this.events.apply(monitor.id, { type: 'deadline' });
  }

  async current(monitor: Monitor): Promise<Monitor> {
    const stored = await this.store.get(monitor.id);
    if (!stored) throw new Error(`${monitor.name} is gone`);
    return stored.monitor;
  }

  async delete(monitor: Monitor, by: string): Promise<void> {
    await this.events.apply(monitor.id, { type: 'delete', by });
    await this.store.delete(await this.current(monitor));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.deadlines.close(), this.notifications.close()]);
    await deletePrefix(this.redis, this.prefix);
    await this.redis.quit();
  }
}
