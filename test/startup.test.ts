import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, PrivateRedis } from './support/private-redis.js';
import { connectTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from './support/redis.js';

/** Runs `src/main.ts` with `env` and returns its exit code and output. */
async function runService(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DRUMBEAT_KEY_PREFIX: 'test-startup', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** The fatal log line, which should carry the explanation and no stack trace. */
function fatalLine(output: string): Record<string, unknown> {
  const line = output.split('\n').find((text) => text.includes('"level":60'));
  if (!line) throw new Error(`no fatal line in:\n${output}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('start failures', () => {
  it('names REDIS_URL when Redis refuses the connection', async () => {
    const port = await freePort();
    const { code, output } = await runService({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      PORT: '3999',
    });
    expect(code).toBe(1);
    expect(output).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port}`);
    expect(output).toContain('set REDIS_URL');
    expect(fatalLine(output)).not.toHaveProperty('err');
    // The refused connection appears once, in the fatal line, without a stack trace.
    expect(output).not.toContain('    at ');
  });

  it('reports a missing database alone', async () => {
    // PrivateRedis runs without AOF or RDB save rules, which a started service warns about.
    const redis = await PrivateRedis.start();
    try {
      const { code, output } = await runService({ REDIS_URL: `${redis.url}/99`, PORT: '3999' });
      expect(code).toBe(1);
      expect(fatalLine(output).msg).toBe(
        'REDIS_URL selects database 99, which this Redis does not have. Use a database number ' +
          'below its databases setting (16 unless changed), or leave the number out for 0.',
      );
      expect(output).not.toContain('persistence is off');
      expect(output).not.toContain('"level":40');
    } finally {
      await redis.destroy();
    }
  });

  it('names PORT when the port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { code, output } = await runService({
        REDIS_URL: TEST_REDIS_URL,
        PORT: String(port),
        HOST: '127.0.0.1',
      });
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port} is in use on 127.0.0.1`);
      expect(fatalLine(output)).not.toHaveProperty('err');
    } finally {
      blocker.close();
    }
  });

  it('names the variable of an invalid configuration', async () => {
    const { code, output } = await runService({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(output).toContain('PORT: must be a whole number from 1 to 65535, got "abc"');
  });
});

describe('npm start', () => {
  it('stops the service when only npm gets SIGTERM', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const prefix = uniquePrefix('startup-npm');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['start'], {
      env: {
        ...process.env,
        REDIS_URL: TEST_REDIS_URL,
        DRUMBEAT_KEY_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, so that the test can stop all of it when the check fails.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await stopsOnSigterm(child, exited, port, () => output);
      // The command line shows ping URLs with the public URL that the web process stored.
      const redis = connectTestRedis();
      expect(await redis.get(`${prefix}:public-url`)).toBe(`http://localhost:${port}`);
      // It expires, so that the URL of a service that stopped goes away.
      expect(await redis.ttl(`${prefix}:public-url`)).toBeGreaterThan(0);
      redis.disconnect();
    } finally {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
      // The service's heartbeat and queue keys would stay in the shared test Redis.
      const redis = connectTestRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

/** Waits for `npm start` to serve, sends SIGTERM to npm alone, and checks that node stopped. */
async function stopsOnSigterm(
  child: ReturnType<typeof spawn>,
  exited: Promise<void>,
  port: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (!output().includes('"msg":"drumbeat started"') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  const unknown = await fetch(`http://127.0.0.1:${port}/nope`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toContain('text/plain');
  expect(await unknown.text()).toBe('not found');

  // A process manager that signals only the process it started reaches npm, not node.
  child.kill('SIGTERM');
  await exited;
  let answered = true;
  for (let attempt = 0; attempt < 50 && answered; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answered = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
  }
  expect(answered).toBe(false);
  expect(output()).toContain('"msg":"drumbeat stopped"');
}
