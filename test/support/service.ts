import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from './private-redis.js';
import { deletePrefix, TEST_REDIS_URL } from './redis.js';

/** One JSON log line of the service. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * The real service, started as `npm start` starts it (tsx on src/main.ts), in a child
 * process on loopback with its own key prefix.
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  /** Every byte the process wrote, for tests that grep the output for secrets. */
  rawOutput = '';
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> | null = null;

  private constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get keyPrefix(): string {
    return this.env.DRUMBEAT_KEY_PREFIX!;
  }

  /** Starts the service and resolves once it logs that it started. */
  static async start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const service = new ServiceProcess(port, {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      REDIS_URL: TEST_REDIS_URL,
      DRUMBEAT_KEY_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'debug',
      ...env,
    });
    await service.spawn();
    return service;
  }

  async spawn(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffered = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.rawOutput += text;
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    try {
      await this.waitForLog((line) => line.msg === 'drumbeat started', 20_000);
    } catch (error) {
      // A service that did not start would otherwise outlive the test run.
      await this.stop('SIGKILL');
      throw error;
    }
  }

  /** Resolves with the first log line that matches, failing after `timeoutMs`. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logs.find(match);
      if (line) return line;
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(
          `service exited with ${this.child.exitCode}:\n${this.rawOutput.slice(-3000)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for a log line; output:\n${this.rawOutput.slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exit;
  }

  /** Stops the service and deletes its keys. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, this.keyPrefix);
    await redis.quit();
  }
}
