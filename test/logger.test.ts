import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../src/logger.js';

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
