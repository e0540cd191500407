// Child processes of the benchmark: the service in one role, and the hello-world reference.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_OUTPUT_CHARS = 4000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
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

/** A node child process that runs a TypeScript entry point through tsx, as `npm start` does. */
export class NodeChild {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts `entry` (relative to the repository) and waits until its output contains `ready`. */
  static async start(
    name: string,
    entry: string,
    env: Record<string, string>,
    ready: string,
    nodeArgs: readonly string[] = [],
  ): Promise<NodeChild> {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new NodeChild(child, name);
    await started.waitForOutput(ready, START_TIMEOUT_MS);
    return started;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last few thousand characters the process wrote, for error messages. */
  get lastOutput(): string {
    return this.output;
  }

  async waitForOutput(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not start in ${timeoutMs} ms:\n${this.output}`);
      }
      await sleep(25);
    }
  }

  /** Sends SIGTERM, and SIGKILL when the process has not exited after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

/** The environment every service process of the benchmark shares. */
export interface ServiceEnv {
  redisUrl: string;
  keyPrefix: string;
  /** Extra variables, such as the Slack ones for the worker. */
  extra?: Record<string, string>;
  /** Extra options for node, such as `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

/** Starts the service in one role on loopback; resolves once it logs that it started. */
export async function startService(
  role: 'web' | 'worker',
  env: ServiceEnv,
): Promise<{ child: NodeChild; port: number }> {
  const port = await freePort();
  const child = await NodeChild.start(
    `drumbeat ${role}`,
    'src/main.ts',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: env.redisUrl,
      DRUMBEAT_KEY_PREFIX: env.keyPrefix,
      DRUMBEAT_ROLES: role,
      // The highest allowed limit: the rate is still counted on every ping, but never reached.
      PING_RATE_PER_MINUTE: '100000',
      // The production default: the ping path logs nothing per ping at this level.
      LOG_LEVEL: 'info',
      ...env.extra,
    },
    '"msg":"drumbeat started"',
    env.nodeArgs,
  );
  return { child, port };
}

export function randomPrefix(): string {
  return `bench-${randomBytes(3).toString('hex')}`;
}
