import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createWebClient,
  slackClientOptions,
  toBoltLogger,
} from '../../../src/bot/slack/web-client.js';
import { createLogger } from '../../../src/logger.js';

/** Returns a port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string')
    throw new Error('the server has no TCP port');
  return address.port;
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('toBoltLogger', () => {
  it('logs one warning for many failed requests', async () => {
    const { logger, lines } = capture();
    const port = await closedPort();
    const options = slackClientOptions(`http://127.0.0.1:${port}/api/`, toBoltLogger(logger));
    const client = createWebClient('xoxb-test', options);

    const calls = Array.from({ length: 20 }, () =>
      client.conversations.history({ channel: 'C1' }).then(
        () => 'ok',
        () => 'failed',
      ),
    );
    const outcomes = await Promise.all(calls);

    expect(outcomes).toEqual(Array(20).fill('failed'));
    const warnings = lines.filter((line) => String(line.msg).startsWith('http request failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(warnings[0]?.msg).toBe('http request failed fetch failed');
  });

  it('passes every debug and info line', () => {
    const { logger, lines } = capture();
    const bolt = toBoltLogger(logger);

    for (let i = 0; i < 3; i += 1) {
      bolt.info('socket mode connected');
      bolt.debug('ping', { at: i });
    }

    expect(lines.map((line) => line.msg)).toEqual([
      'socket mode connected',
      'ping {"at":0}',
      'socket mode connected',
      'ping {"at":1}',
      'socket mode connected',
      'ping {"at":2}',
    ]);
  });

  it('keeps the error of a logged error', () => {
    const { logger, lines } = capture();
    const bolt = toBoltLogger(logger);

    bolt.error('handler failed', new Error('boom'));

    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe('handler failed');
    expect(lines[0]?.err).toMatchObject({ message: 'boom' });
  });
});
