// The `drumbeat` command line as a user runs it: `node bin/drumbeat.js` in a child process,
// against the test Redis with a key prefix of its own, or against a redis-server of the test's
// own that is paused, full or set to evict keys.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis, startLoadingRedis } from '../support/private-redis.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  /** Time from the start to the first output on stderr, or null without any. */
  firstStderrMs: number | null;
}

/** Runs the command line with `args` in `cwd`; kills it and fails after 20 s. */
function drumbeat(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/drumbeat.js'), ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let firstStderrMs: number | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    firstStderrMs ??= Date.now() - started;
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drumbeat ${args.join(' ')} still ran after ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    // 'close' comes after 'exit' once stdout and stderr have ended, so both are complete.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started, firstStderrMs });
    });
  });
}

let redis: Redis;
let prefix: string;
let env: Record<string, string>;

beforeAll(() => {
  redis = connectTestRedis();
  prefix = uniquePrefix('cli');
  env = { REDIS_URL: TEST_REDIS_URL, DRUMBEAT_KEY_PREFIX: prefix };
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('drumbeat command line', () => {
  it('prints its version', { timeout: 30_000 }, async () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const run = await drumbeat(['--version'], env);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`drumbeat ${manifest.version}\n`);
  });

  it('exits 1 without Redis', { timeout: 30_000 }, async () => {
    const run = await drumbeat(['list'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Cannot reach Redis at redis://127.0.0.1:1. Start redis-server there, or set REDIS_URL to a Redis that runs.',
    );
  });

  it('creates, lists and sets digests', { timeout: 60_000 }, async () => {
    const created = await drumbeat(['new', 'backup', 'every', '1', 'hour'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created monitor backup.');

    const listed = await drumbeat(['list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('backup');

    const digest = await drumbeat(['digest', 'weekly', 'friday', '4pm'], env);
    expect(digest.stderr).not.toContain('not set up');
    expect(digest.code).toBe(0);
    const digestReply = await drumbeat(['digest'], env);
    expect(digestReply.code).toBe(0);
    expect(digestReply.stdout).toContain('backup');
  });

  it("shows ping URLs at the service's public URL", { timeout: 60_000 }, async () => {
    // A web process stores its public URL when it starts; see test/startup.test.ts.
    await redis.set(`${prefix}:public-url`, 'http://127.0.0.1:4321');
    try {
      const stored = await drumbeat(['new', 'url-from-service', 'every', '1', 'hour'], {
        ...env,
        PUBLIC_URL: '',
      });
      expect(stored.code).toBe(0);
      expect(stored.stdout).toContain('http://127.0.0.1:4321/ping/');

      const own = await drumbeat(['status', 'url-from-service'], {
        ...env,
        PUBLIC_URL: 'https://drumbeat.example.com',
      });
      expect(own.code).toBe(0);
      expect(own.stdout).toContain('https://drumbeat.example.com/ping/');
    } finally {
      await redis.del(`${prefix}:public-url`);
    }
  });

  it('writes errors as sentences', { timeout: 60_000 }, async () => {
    const missing = await drumbeat(['status', 'nosuch'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no monitor named "nosuch" here.');
    expect(missing.stderr).toContain('\nTry: npx drumbeat list\n');

    const unknown = await drumbeat(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('\nTry: npx drumbeat help\n');

    const badDay = await drumbeat(['digest', 'weekly', 'funday', '4pm'], env);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain('"funday" is not a day of the week');
  });

  it('shows unquoted cron quoted', { timeout: 60_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'drumbeat-glob-'));
    try {
      writeFileSync(join(folder, 'Procfile'), '');
      writeFileSync(join(folder, 'README.md'), '');
      mkdirSync(join(folder, 'bench'));
      // The words that the shell passes for `0 3 * * *` in this folder.
      const star = ['Procfile', 'README.md', 'bench'];
      const cron = ['0', '3', ...star, ...star, ...star];
      const cause =
        'The shell replaced * with the names of the files in the current directory ' +
        '(Procfile, README.md, bench), so Drumbeat received file names in place of the cron text.';
      // Redis at port 1 refuses connections, so a command that reached it would exit 1.
      const noRedis = { REDIS_URL: 'redis://127.0.0.1:1', DRUMBEAT_KEY_PREFIX: prefix };

      const created = await drumbeat(['new', 'z3', ...cron], noRedis, folder);
      expect(created.code).toBe(2);
      expect(created.stdout).toBe('');
      expect(created.stderr).toBe(
        `${cause} Put the cron text in single quotes: npx drumbeat new z3 '0 3 * * *'\n`,
      );

      const explained = await drumbeat(['explain', ...cron], noRedis, folder);
      expect(explained.code).toBe(2);
      expect(explained.stdout).toBe('');
      expect(explained.stderr).toBe(
        `drumbeat explain: ${cause} Put the cron text in single quotes: npx drumbeat explain '0 3 * * *'\n`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('drumbeat command line on a faulty Redis', () => {
  let faulty: PrivateRedis | undefined;

  afterEach(async () => {
    faulty?.thaw();
    await faulty?.destroy();
    faulty = undefined;
  });

  it('exits 1 when Redis is paused', { timeout: 30_000 }, async () => {
    faulty = await PrivateRedis.start();
    faulty.freeze();
    const url = `redis://:cli-secret-7f3a@127.0.0.1:${faulty.port}`;
    const run = await drumbeat(['status', 'job1'], { REDIS_URL: url, DRUMBEAT_KEY_PREFIX: prefix });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Redis at redis://***@127.0.0.1:${faulty.port} did not respond within 3 s. ` +
        'Check that redis-server is running and not paused or overloaded, ' +
        'or set REDIS_URL to another Redis, then try again.\n',
    );
    // About 1 s to load the command line, 3 s for the timeout, and room for a busy machine.
    expect(run.elapsedMs).toBeLessThan(12_000);
  });

  it('exits right after the paused-Redis message', { timeout: 30_000 }, async () => {
    faulty = await PrivateRedis.start();
    faulty.freeze();
    const run = await drumbeat(['list'], { REDIS_URL: faulty.url, DRUMBEAT_KEY_PREFIX: prefix });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('did not respond within 3 s.');
    expect(run.firstStderrMs).not.toBeNull();
    // ioredis keeps a half-closed socket for its disconnectTimeout, 2 s by default, which a
    // paused Redis never closes. The limit leaves room for a busy machine.
    expect(run.elapsedMs - run.firstStderrMs!).toBeLessThan(1500);
  });

  it('waits for Redis to load its dataset', { timeout: 30_000 }, async () => {
    // Redis sleeps 300 µs after each of the 20 000 keys, so it loads for at least 6 s, and the
    // command line connects while the load still runs.
    faulty = await startLoadingRedis(20_000, 300);
    const run = await drumbeat(['list'], { REDIS_URL: faulty.url, DRUMBEAT_KEY_PREFIX: prefix });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('There are no monitors yet.');
    const firstLine = run.stderr.split('\n')[0];
    expect(firstLine).toMatch(
      new RegExp(`^Redis at ${faulty.url} is loading its dataset into memory \\(\\d+% done`),
    );
    expect(firstLine).toContain('Waiting up to 60 s for the load to finish.');
    expect(run.stderr).not.toContain('did not respond');
  });

  it('exits 1 when writes stop mid-command', { timeout: 30_000 }, async () => {
    faulty = await PrivateRedis.start();
    const client = new Redis(faulty.url, { maxRetriesPerRequest: 1 });
    try {
      // Reads still work, so the command line connects and creates its BullMQ queues, and then
      // its first write gets no response.
      await client.call('CLIENT', 'PAUSE', '20000', 'WRITE');
      const run = await drumbeat(['new', 'paused', 'every', '1', 'hour'], {
        REDIS_URL: faulty.url,
        DRUMBEAT_KEY_PREFIX: prefix,
      });

      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`Redis at ${faulty.url} did not respond within 3 s.`);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.elapsedMs).toBeLessThan(12_000);
    } finally {
      await client.call('CLIENT', 'UNPAUSE');
      client.disconnect();
    }
  });

  it('exits 1 when Redis is out of memory', { timeout: 30_000 }, async () => {
    faulty = await PrivateRedis.start(['--maxmemory', '1']);
    const run = await drumbeat(['new', 'oomjob', 'every', '1', 'hour'], {
      REDIS_URL: faulty.url,
      DRUMBEAT_KEY_PREFIX: prefix,
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Redis at ${faulty.url} is out of memory (maxmemory reached) and rejected the ` +
        "command's writes, so the command may not have finished. Raise maxmemory " +
        '(CONFIG SET maxmemory, or maxmemory in redis.conf) or free memory in that Redis, ' +
        'then run the command again.\n',
    );
  });

  it('rejects an evicting maxmemory-policy', { timeout: 30_000 }, async () => {
    faulty = await PrivateRedis.start(['--maxmemory-policy', 'allkeys-lru']);
    const run = await drumbeat(['status', 'backup'], {
      REDIS_URL: faulty.url,
      DRUMBEAT_KEY_PREFIX: prefix,
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Cannot use Redis at ${faulty.url}.`);
    expect(lines[0]).toContain('maxmemory-policy is allkeys-lru');
    expect(lines[0]).toContain('CONFIG SET maxmemory-policy noeviction');
    // BullMQ warns about the policy for each queue it connects, so no queue may be created.
    expect(run.stderr).not.toContain('IMPORTANT!');
  });
});
