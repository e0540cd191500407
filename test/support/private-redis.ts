import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, on a free port, for tests that stop or restart Redis. */
export class PrivateRedis {
  private process: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'drumbeat-redis-'));

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), extraArgs);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the server and waits until PING succeeds. With `untilLoading`, it returns once PING
   * gets any reply, so a LOADING error while the server still loads its dataset is enough.
   */
  async start({ untilLoading = false }: { untilLoading?: boolean } = {}): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
    ];
    this.process = spawn('redis-server', [...args, ...this.extraArgs], { stdio: 'ignore' });
    // Without the ready check, connect() does not wait for a loading server to finish.
    const probe = new Redis(this.url, {
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch (error) {
        if (untilLoading && error instanceof Error && error.message.startsWith('LOADING')) {
          probe.disconnect();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    probe.disconnect();
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Pauses the server with SIGSTOP, so connections stay open and no command gets a response. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Resumes a server paused by `freeze`. */
  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = null;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts a redis-server that spends a while loading its dataset from its RDB file, as after a
 * restart. It writes `keyCount` keys to the file and restarts with Redis's `key-load-delay`,
 * which sleeps `keyLoadDelayMicros` after loading each key. Redis 7 processes client requests
 * only after each `loading-process-events-interval-bytes` of the file, so that is set to its
 * minimum, 1024.
 * Returns once the server replies, while it is still loading.
 */
export async function startLoadingRedis(
  keyCount: number,
  keyLoadDelayMicros: number,
): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start([
    '--key-load-delay',
    String(keyLoadDelayMicros),
    '--loading-process-events-interval-bytes',
    '1024',
  ]);
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    for (let first = 0; first < keyCount; first += 1000) {
      const count = Math.min(1000, keyCount - first);
      const pairs = Array.from({ length: count }, (_, i) => [`key:${first + i}`, 'value']);
      await client.mset(...pairs.flat());
    }
    await client.save();
  } finally {
    client.disconnect();
  }
  await redis.stop();
  await redis.start({ untilLoading: true });
  return redis;
}
