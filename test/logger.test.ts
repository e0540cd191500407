import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import {
  connectionErrorLog,
  createLogger,
  REDACTED,
  repeatedFailureLog,
  repeatedLineLog,
  workerErrorLog,
} from '../src/logger.js';

/** Creates a logger that writes its JSON lines into an array. */
function capture(level: 'info' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: createLogger({ level, destination }), lines };
}

describe('createLogger redaction', () => {
  it('redacts top-level secret fields', () => {
    const { logger, lines } = capture();
    logger.info(
      { token: 't1', botToken: 'b1', signingSecret: 's1', pingUrl: 'p1', url: 'u1' },
      'x',
    );
    expect(lines[0]).toMatchObject({
      token: REDACTED,
      botToken: REDACTED,
      signingSecret: REDACTED,
      pingUrl: REDACTED,
      url: REDACTED,
    });
  });

  it('redacts nested secrets and headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        slack: { botToken: 'xoxb-hidden' },
        req: { url: '/ping/0b6e2a52', headers: { authorization: 'Bearer hidden' } },
        headers: { Authorization: 'Bot hidden', cookie: 'sid=hidden' },
      },
      'request',
    );
    expect(JSON.stringify(lines[0])).not.toContain('hidden');
    expect(JSON.stringify(lines[0])).not.toContain('0b6e2a52');
  });

  it('redacts bindings of child loggers', () => {
    const { logger, lines } = capture();
    logger.child({ pingUrl: 'https://x/ping/0b6e2a52', monitorId: 'm1' }).info('ping');
    expect(lines[0]?.pingUrl).toBe(REDACTED);
    expect(lines[0]?.monitorId).toBe('m1');
  });

  it('redacts secrets of a logged error', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('request failed'), {
      token: 'xoxb-hidden',
      config: { url: '/ping/0b6e2a52', headers: { authorization: 'Bearer hidden' } },
    });
    logger.error({ err: error }, 'failed');
    expect(JSON.stringify(lines[0])).not.toContain('hidden');
    expect(JSON.stringify(lines[0])).not.toContain('0b6e2a52');
    expect(lines[0]?.err).toMatchObject({ message: 'request failed' });
  });

  it('leaves the logged objects unchanged', () => {
    const { logger, lines } = capture();
    const fields = { token: 't1', req: { headers: { cookie: 'sid=1' }, method: 'GET' } };
    logger.info(fields, 'request');
    expect(fields).toEqual({ token: 't1', req: { headers: { cookie: 'sid=1' }, method: 'GET' } });
    expect(lines[0]).toMatchObject({ token: REDACTED, req: { headers: { cookie: REDACTED } } });
  });

  it('keeps fields that are not secret', () => {
    const { logger, lines } = capture();
    logger.info({ monitorId: 'm1', teamId: 'T1', jobId: 'deadline:m1' }, 'scheduled');
    expect(lines[0]).toMatchObject({ monitorId: 'm1', teamId: 'T1', jobId: 'deadline:m1' });
    expect(lines[0]?.msg).toBe('scheduled');
  });
});

describe('createLogger level', () => {
  it('drops lines below the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });
});

describe('repeated errors', () => {
  function connectionRefused(): Error {
    return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
  }

  it('limits connection errors without stacks', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = connectionErrorLog(logger, 'redis connection error', () => now);
    for (let i = 0; i < 5; i++) {
      log(connectionRefused());
      now += 1000;
    }
    expect(lines).toHaveLength(1);
    now = 10_000;
    log(connectionRefused());
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 40,
      msg: 'redis connection error',
      error: 'connect ECONNREFUSED 127.0.0.1:6379',
      code: 'ECONNREFUSED',
      suppressed: 4,
    });
    expect(JSON.stringify(lines)).not.toContain('    at ');
  });

  it('limits each worker error message', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = workerErrorLog(logger, 'deadline worker error', () => now);
    log(connectionRefused());
    log(connectionRefused());
    log(new Error('Missing lock for job 7'));
    now = 10_000;
    log(connectionRefused());
    expect(lines.map((line) => (line.err as { message: string }).message)).toEqual([
      'connect ECONNREFUSED 127.0.0.1:6379',
      'Missing lock for job 7',
      'connect ECONNREFUSED 127.0.0.1:6379',
    ]);
    expect(lines[2]).toMatchObject({ level: 50, suppressed: 1 });
    expect(JSON.stringify(lines[0]?.err)).toContain('    at ');
  });

  it('counts lock errors of many jobs as one', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = workerErrorLog(logger, 'deadline worker error', () => now);
    for (const id of ['a1b2-lq3x', 'c3d4-lq3y', 'e5f6-lq3z']) {
      log(new Error(`could not renew lock for job ${id}`));
      log(new Error(`Missing lock for job ${id}. moveToFinished`));
    }
    now = 10_000;
    log(new Error('could not renew lock for job g7h8-lq40'));
    const messages = lines.map((line) => (line.err as { message: string }).message);
    expect(messages).toEqual([
      'could not renew lock for job a1b2-lq3x',
      'Missing lock for job a1b2-lq3x. moveToFinished',
      'could not renew lock for job g7h8-lq40',
    ]);
    expect(lines[2]?.suppressed).toBe(2);
  });

  it('reports a count that no later error reports', () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = capture();
      const log = workerErrorLog(logger, 'deadline worker error', () => 0);
      for (const id of ['a1', 'b2', 'c3']) log(new Error(`could not renew lock for job ${id}`));
      expect(lines).toHaveLength(1);

      vi.advanceTimersByTime(10_000);
      expect(lines).toHaveLength(2);
      expect(lines[1]?.suppressed).toBe(2);
      expect(String((lines[1]?.err as { message?: string } | undefined)?.message)).toContain(
        'job c3',
      );
      vi.advanceTimersByTime(10_000);
      expect(lines).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('limits a repeated task failure at its level', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = repeatedFailureLog(logger, 'warn', 'ingest heartbeat failed', () => now);
    for (let i = 0; i < 3; i += 1) log(new Error('Connection is closed.'));
    log('not an error');
    now = 10_000;
    log(new Error('Connection is closed.'));
    expect(lines.map((line) => line.msg)).toEqual([
      'ingest heartbeat failed',
      'ingest heartbeat failed',
      'ingest heartbeat failed',
    ]);
    expect(lines.map((line) => line.level)).toEqual([40, 40, 40]);
    expect(lines.map((line) => line.suppressed)).toEqual([0, 0, 2]);
    expect(lines[1]?.err).toBe('not an error');
  });

  it('logs the fields of each failure', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = repeatedFailureLog(logger, 'warn', 'alert delivery failed; retrying', () => now);
    log(new Error('Slack returned HTTP 502.'), { monitorId: 'm1' });
    log(new Error('Slack returned HTTP 502.'), { monitorId: 'm2' });
    now = 10_000;
    log(new Error('Slack returned HTTP 502.'), { monitorId: 'm3' });

    expect(lines.map((line) => line.monitorId)).toEqual(['m1', 'm3']);
    expect(lines[1]?.suppressed).toBe(1);
    expect(lines[1]?.err).toMatchObject({ message: 'Slack returned HTTP 502.' });
  });
});

describe('repeatedLineLog', () => {
  it('waits a full interval after a reported count', () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = capture();
      const log = repeatedLineLog(logger, 'warn', () => Date.now());
      log('key', 'delivery failed', {});
      vi.advanceTimersByTime(1000);
      log('key', 'delivery failed', {});
      // The count is reported 10 s after the skip, at 11 s.
      vi.advanceTimersByTime(10_000);
      expect(lines.map((line) => line.suppressed)).toEqual([0, 1]);

      vi.advanceTimersByTime(1000);
      log('key', 'delivery failed', {});
      expect(lines).toHaveLength(2);
      vi.advanceTimersByTime(9000);
      log('key', 'delivery failed', {});

      expect(lines).toHaveLength(3);
      expect(lines[2]?.suppressed).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('limits each key on its own', () => {
    const { logger, lines } = capture();
    let now = 0;
    const log = repeatedLineLog(logger, 'error', () => now);
    for (let i = 0; i < 3; i += 1) {
      log('a', 'first message', { attempt: i });
      log('b', 'second message', { attempt: i });
    }
    now = 10_000;
    log('a', 'first message', { attempt: 3 });

    expect(lines.map((line) => line.msg)).toEqual([
      'first message',
      'second message',
      'first message',
    ]);
    expect(lines.map((line) => line.attempt)).toEqual([0, 0, 3]);
    expect(lines.map((line) => line.suppressed)).toEqual([0, 0, 2]);
    expect(lines.map((line) => line.level)).toEqual([50, 50, 50]);
  });

  it('reports a count with the last skipped line', () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = capture();
      const log = repeatedLineLog(logger, 'warn', () => 0);
      log('key', 'http request failed first', {});
      log('key', 'http request failed second', { attempt: 2 });
      log('key', 'http request failed third', { attempt: 3 });
      expect(lines).toHaveLength(1);

      vi.advanceTimersByTime(10_000);

      expect(lines).toHaveLength(2);
      expect(lines[1]?.msg).toBe('http request failed third');
      expect(lines[1]?.attempt).toBe(3);
      expect(lines[1]?.suppressed).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('createLogger errors that are not objects', () => {
  it('logs a rejection reason that is a string', () => {
    const { logger, lines } = capture();
    expect(() => logger.error({ err: 'socket hang up' }, 'request failed')).not.toThrow();
    expect(lines[0]).toMatchObject({ err: 'socket hang up', msg: 'request failed' });
  });
});

describe('createLogger standard output', () => {
  /** Runs a child process that logs through createLogger's default destination. */
  function runChild(script: string) {
    const loggerUrl = new URL('../src/logger.ts', import.meta.url).href;
    const source = `import { createLogger } from ${JSON.stringify(loggerUrl)};\n${script}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', source],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines: { atMs: number; text: string }[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const text of chunk.split('\n').filter(Boolean)) lines.push({ atMs: Date.now(), text });
    });
    const exited = new Promise<{ code: number | null; atMs: number }>((resolve) =>
      child.once('close', (code) => resolve({ code, atMs: Date.now() })),
    );
    return { lines, exited };
  }

  it('writes a lone line before exit', async () => {
    const { lines, exited } = runChild(`
      const logger = createLogger({ level: 'info' });
      logger.info('started');
      setTimeout(() => process.exit(0), 2000);
    `);
    const exit = await exited;
    expect(exit.code).toBe(0);
    expect(lines[0]?.text).toContain('"msg":"started"');
    // The periodic flush wrote it, well before the exit would have.
    expect(exit.atMs - lines[0]!.atMs).toBeGreaterThan(1000);
  });

  it('writes every line before process.exit', async () => {
    const { lines, exited } = runChild(`
      const logger = createLogger({ level: 'info' });
      for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
      logger.fatal('stopping');
      process.exit(3);
    `);
    expect((await exited).code).toBe(3);
    expect(lines).toHaveLength(501);
    expect(lines[500]?.text).toContain('"msg":"stopping"');
  });
});
