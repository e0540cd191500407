// The `drumbeat` command line as a user runs it: `node bin/drumbeat.js` in a child process,
// against the test Redis with a key prefix of its own.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs the command line with `args`; kills it and fails after 20 s. */
function drumbeat(args: string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/drumbeat.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drumbeat ${args.join(' ')} still ran after ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
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
    expect(run.stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1.');
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
});
