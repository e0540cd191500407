import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { RedisPingRecorder } from '../../src/ingest/record-ping.js';
import { createHttpServer, type HttpServer } from '../../src/ingest/server.js';
import { Deadlines } from '../../src/scheduler/deadlines.js';
import { MonitorEvents } from '../../src/scheduler/monitor-events.js';
import { NotificationQueue } from '../../src/scheduler/notifications.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { Keys } from '../../src/store/keys.js';
import { DEFAULT_STORE_LIMITS, MonitorStore } from '../../src/store/monitors.js';
import { TeamStore } from '../../src/store/teams.js';
import { deletePrefix, uniquePrefix } from './redis.js';

export interface PingStack {
  prefix: string;
  redis: Redis;
  store: MonitorStore;
  teams: TeamStore;
  events: MonitorEvents;
  deadlines: Deadlines;
  http: HttpServer;
  baseUrl: string;
  close(): Promise<void>;
}

/** The web role's ping path on a real Redis: store, events, recorder and HTTP server. */
export async function startPingStack(
  redisUrl: string,
  options: {
    maxPingsPerMinute?: number;
    bodyLimitBytes?: number;
    monitorsPerTeam?: number;
    /** The key prefix of another stack, so that this one acts as a second web process of the service. */
    prefix?: string;
  } = {},
): Promise<PingStack> {
  const logger = pino({ level: 'silent' });
  const prefix = options.prefix ?? uniquePrefix('ping');
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await new Promise((resolve) => redis.once('ready', resolve));
  const keys = new Keys(prefix);
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const store = new MonitorStore(redis, keys, {
    ...DEFAULT_STORE_LIMITS,
    ...(options.monitorsPerTeam === undefined ? {} : { monitorsPerTeam: options.monitorsPerTeam }),
  });
  const teams = new TeamStore(redis, keys);
  const deadlines = new Deadlines(connection, keys, store, logger);
  const notifications = new NotificationQueue(connection, keys);
  const events = new MonitorEvents(store, deadlines, notifications, logger, Date.now);
  const recorder = new RedisPingRecorder({
    store,
    teams,
    events,
    logger,
    clock: Date.now,
    rateLimit: { windowSeconds: 60, maxPings: options.maxPingsPerMinute ?? 0 },
  });
  const http = createHttpServer({
    recorder,
    app: express(),
    logger,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
  });
  const address = await http.listen(0, '127.0.0.1');
  return {
    prefix,
    redis,
    store,
    teams,
    events,
    deadlines,
    http,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      await http.close();
      await Promise.allSettled([deadlines.close(), notifications.close()]);
      if (redis.status === 'ready') await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Stores a new hourly monitor of `teamId` with a fresh id and token, and returns it. */
export async function createHourlyMonitor(
  stack: PingStack,
  teamId: string,
  name = `job-${Math.random().toString(36).slice(2, 8)}`,
): Promise<Monitor> {
  const monitor = buildMonitor(
    {
      id: newMonitorId(),
      token: newPingToken(),
      teamId,
      platform: 'cli',
      channelId: 'C1',
      name,
      schedule: { kind: 'interval', periodSeconds: 3600 },
      graceMs: 60_000,
      maxRuntimeMs: null,
      createdBy: 'U1',
    },
    Date.now(),
  );
  await stack.store.create(monitor);
  return monitor;
}
