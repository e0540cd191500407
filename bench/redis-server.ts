// A redis-server of the benchmark's own, on a free loopback port, with no persistence.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SetupError } from './options.js';
import { freePort } from './processes.js';

/** The Redis settings every run uses; `hz` sets how late a due delayed job can be. */
export const BENCH_REDIS_SETTINGS = {
  hz: 100,
  save: "''",
  appendonly: 'no',
  'maxmemory-policy': 'noeviction',
} as const;

const START_TIMEOUT_MS = 10_000;

export class BenchRedis {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    /** A client for the benchmark's own reads and bulk writes. */
    readonly client: Redis,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<BenchRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'drumbeat-bench-redis-'));
    const args = [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--save', '', '--appendonly', 'no', '--hz', String(BENCH_REDIS_SETTINGS.hz)],
      ...['--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    // The client retries the connection by itself, and queues the PING until it is connected.
    const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50 });
    client.on('error', () => {});
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
      // Without redis-server on PATH, spawn emits an error instead of exiting.
      child.once('error', (error) => {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          missing
            ? new SetupError(
                'redis-server is not on PATH. Install Redis (Debian: apt-get install redis-server).',
              )
            : error,
        );
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no reply to PING')), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.ping(), exited, timedOut]);
    } catch (error) {
      client.disconnect();
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (error instanceof SetupError) throw error;
      throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    return new BenchRedis(child, dir, port, client);
  }

  /** Bytes Redis has allocated, from INFO memory. */
  async usedMemory(): Promise<number> {
    const info = await this.client.info('memory');
    const match = /^used_memory:(\d+)/m.exec(info);
    if (!match?.[1]) throw new Error('INFO memory returned no used_memory');
    return Number(match[1]);
  }

  async version(): Promise<string> {
    const info = await this.client.info('server');
    return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  }

  /** Deletes every key, and waits for the memory to be given back. */
  async flush(): Promise<void> {
    await this.client.flushall('SYNC');
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
