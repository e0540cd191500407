// The real service in a child process with its own redis-server and a Slack stand-in, for
// tests that break one of them on purpose: kill it, restart it, or make it fail.

import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { StoredMonitor } from '../../src/store/codec.js';
import { Keys } from '../../src/store/keys.js';
import { MonitorStore } from '../../src/store/monitors.js';
import { freePort, PrivateRedis } from '../support/private-redis.js';
import { waitFor } from '../support/redis.js';
import { ReplyCuttingProxy } from '../support/redis-proxy.js';
import { type LogLine, ServiceProcess } from '../support/service.js';
import { type RecordedCall, SlackApiStandIn, type StoredMessage } from '../support/slack-api.js';
import { postSigned, slashCommandBody } from '../support/slack-signing.js';

export const SIGNING_SECRET = 'fault-signing-secret-5f0c';
export const BOT_TOKEN = 'xoxb-fault-bot-token-9a1e';
export const TEAM = 'T0OWNER01';
export const OWNER = 'U0OWNER01';
export const CHANNEL = 'C0ALERTS1';

export interface FaultStackOptions {
  /** Extra redis-server arguments, such as `--appendonly yes`. */
  redisArgs?: string[];
  /** Extra environment of the service. */
  env?: Record<string, string>;
  /** Puts a proxy that can cut replies between the service and Redis (`stack.proxy`). */
  proxy?: boolean;
}

export interface CommandReply {
  status: number;
  text: string;
}

export interface CreatedMonitor {
  name: string;
  id: string;
  token: string;
  pingUrl: string;
}

/** A private Redis, a Slack stand-in and the service between them, all on loopback. */
export class FaultStack {
  readonly store: MonitorStore;

  private constructor(
    readonly redis: PrivateRedis,
    readonly slack: SlackApiStandIn,
    readonly service: ServiceProcess,
    /** A client of the test's own, for reading what the service stored. */
    readonly client: Redis,
    /** The proxy between the service and Redis, with the `proxy` option. */
    readonly proxy: ReplyCuttingProxy | null,
  ) {
    this.store = new MonitorStore(client, new Keys(service.keyPrefix));
  }

  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const redis = await PrivateRedis.start(options.redisArgs ?? []);
    const slack = await SlackApiStandIn.start({ token: BOT_TOKEN, teamId: TEAM });
    const proxy = options.proxy ? await ReplyCuttingProxy.start(redis.port) : null;
    let service: ServiceProcess;
    try {
      service = await ServiceProcess.start({
        REDIS_URL: proxy?.url ?? redis.url,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        // A crashed worker's jobs and overdue deadlines come back within seconds, not a minute.
        DRUMBEAT_JOB_LOCK_MS: '1000',
        DRUMBEAT_SWEEP_INTERVAL_MS: '1000',
        ...options.env,
      });
    } catch (error) {
      // The test's afterAll has no stack to close, so the Redis and the stand-in stop here.
      await Promise.allSettled([redis.stop(), slack.close(), proxy?.close()]);
      throw error;
    }
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    return new FaultStack(redis, slack, service, client, proxy);
  }

  get keys(): Keys {
    return this.store.keys;
  }

  /** Runs `/drumbeat <text>` as a signed Slack request and returns the reply as text. */
  async command(
    text: string,
    options: { team?: string; user?: string; channel?: string } = {},
  ): Promise<CommandReply> {
    const body = slashCommandBody({
      text,
      teamId: options.team ?? TEAM,
      userId: options.user ?? OWNER,
      channelId: options.channel ?? CHANNEL,
      responseUrl: this.slack.responseUrl(`cmd-${Math.random().toString(36).slice(2)}`),
    });
    const response = await postSigned(`${this.service.baseUrl}/slack/events`, SIGNING_SECRET, body);
    const parsed = JSON.parse(response.text || '{}') as { text?: string; blocks?: unknown[] };
    return {
      status: response.status,
      text: `${parsed.text ?? ''}\n${JSON.stringify(parsed.blocks ?? [])}`,
    };
  }

  /** Creates a monitor with `/drumbeat new <name> <spec>` and finds its id in Redis. */
  async createMonitor(name: string, spec: string, channel = CHANNEL): Promise<CreatedMonitor> {
    const reply = await this.command(`new ${name} ${spec}`, { channel });
    const match = /http:\/\/127\.0\.0\.1:\d+\/ping\/([0-9a-f-]{36})/.exec(reply.text);
    if (!match?.[1]) throw new Error(`no ping URL in the reply to "new ${name}": ${reply.text}`);
    const token = match[1];
    const id = await this.store.idForToken(token);
    if (id === null) throw new Error(`monitor ${name} is not in Redis`);
    return { name, id, token, pingUrl: match[0] };
  }

  async monitor(id: string): Promise<StoredMonitor> {
    const stored = await this.store.get(id);
    if (!stored) throw new Error(`monitor ${id} is not in Redis`);
    return stored;
  }

  /** Top-level alert messages of one monitor, found by the metadata Drumbeat attaches. */
  alertsOf(monitorId: string, channel = CHANNEL): StoredMessage[] {
    return this.slack.messagesIn(channel).filter((message) => metadataOf(message) === monitorId);
  }

  /** Calls of a Web API method about a monitor's alert message, found by its metadata. */
  callsTo(method: string, monitorId: string): RecordedCall[] {
    return this.slack
      .callsTo(method)
      .filter((call) => JSON.stringify(call.args.metadata ?? '').includes(monitorId));
  }

  /** `chat.postMessage` calls that tried to post a monitor's alert (not thread replies). */
  alertPostsOf(monitorId: string): number {
    // Replies carry metadata too, with an id that starts with the incident's, and so the monitor's.
    return this.callsTo('chat.postMessage', monitorId).filter((call) => !call.args.thread_ts)
      .length;
  }

  /** Waits for the one alert of a monitor and returns it. */
  async waitForAlert(monitorId: string, timeoutMs = 10_000): Promise<StoredMessage> {
    return waitFor(() => this.alertsOf(monitorId)[0], timeoutMs, `alert of ${monitorId}`);
  }

  /** Opens a BullMQ queue of the service's, to look at or change its jobs from outside. */
  queue(name: 'deadlines' | 'notifications'): Queue {
    return new Queue(name, {
      connection: { url: this.redis.url, maxRetriesPerRequest: null },
      prefix: this.keys.queuePrefix(),
    });
  }

  /** Starts the service again with the same port, key prefix and settings. */
  async restartService(): Promise<void> {
    this.service.logs.length = 0;
    await this.service.spawn();
  }

  logsMatching(pattern: RegExp): LogLine[] {
    return this.service.logs.filter((line) => pattern.test(String(line.msg ?? '')));
  }

  /**
   * Waits until at least one log line of the monitor matches, and returns all that do. The
   * service's output arrives through a pipe, so a line can trail the effect it describes.
   */
  async waitForLogs(pattern: RegExp, monitorId: string, timeoutMs = 5000): Promise<LogLine[]> {
    const matching = () =>
      this.logsMatching(pattern).filter((line) => line.monitorId === monitorId);
    await waitFor(() => (matching().length > 0 ? true : undefined), timeoutMs, String(pattern));
    return matching();
  }

  async close(): Promise<void> {
    await this.service.stop('SIGKILL');
    this.client.disconnect();
    await this.slack.close();
    await this.proxy?.close();
    await this.redis.destroy();
  }
}

function metadataOf(message: StoredMessage): string | null {
  const metadata = message.metadata as { event_payload?: { monitor_id?: unknown } } | null;
  const id = metadata?.event_payload?.monitor_id;
  return typeof id === 'string' ? id : null;
}

/**
 * Runs the service as `npm start` does and waits for it to exit by itself, for starts that
 * must fail. Rejects when it is still running after `timeoutMs`.
 */
export async function runServiceToExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  const port = String(await freePort());
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: port, LOG_LEVEL: 'debug', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Returns the text a message was first posted with, before any edit. */
export function firstText(message: StoredMessage): string {
  return message.edits[0]?.text ?? message.text ?? '';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
