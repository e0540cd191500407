import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/private-redis.js';
import { TEST_REDIS_URL } from './support/redis.js';

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
