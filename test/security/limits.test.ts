// Limits that keep one job or one team from wearing down the service: the per-monitor ping
// rate (429 with Retry-After), the stored body size (the rest is counted, and the limit is sent
// back), and the number of monitors a team may have and the length of a command (both
// rejected with a message that names the limit).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMMAND_LENGTH } from '../../src/bot/commands/core.js';
import { buildMonitor } from '../../src/domain/monitor.js';
import { newMonitorId, newPingToken } from '../../src/store/ids.js';
import { DEFAULT_STORE_LIMITS } from '../../src/store/monitors.js';
import { FaultStack, TEAM } from '../faults/harness.js';

const PINGS_PER_MINUTE = 5;
const BODY_LIMIT_BYTES = 1000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({
    env: {
      PING_RATE_PER_MINUTE: String(PINGS_PER_MINUTE),
      PING_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    },
  });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

/** Waits for the next minute when this one ends within `marginMs`, so a test fits in one. */
async function startOfRateWindow(marginMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe('per-monitor ping rate', () => {
  it('answers 429 with Retry-After past the rate', { timeout: 20_000 }, async () => {
    const busy = await stack.createMonitor('rate-busy', 'every 1 hour');
    const quiet = await stack.createMonitor('rate-quiet', 'every 1 hour');
    await startOfRateWindow(5000);
    for (let i = 0; i < PINGS_PER_MINUTE; i++) expect((await fetch(busy.pingUrl)).status).toBe(200);

    const limited = await fetch(busy.pingUrl);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.text()).toBe(
      `rate limited: this monitor sent more than ${PINGS_PER_MINUTE} pings a minute, retry later`,
    );

    // The ping turned away is not stored, and other monitors are not affected.
    expect(await stack.store.pings(busy.id, 50)).toHaveLength(PINGS_PER_MINUTE);
    expect((await fetch(quiet.pingUrl)).status).toBe(200);
  });
});

describe('ping body limit', () => {
  it('stores the end of a 1 MiB body and counts the rest', async () => {
    const monitor = await stack.createMonitor('body-big', 'every 1 hour');
    const body = Buffer.alloc(1024 * 1024, 'a');
    body.write('START', 0);
    const errorLine = 'Error: disk full\n';
    body.write(errorLine, body.length - errorLine.length);
    const response = await fetch(monitor.pingUrl, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(response.headers.get('ping-body-limit')).toBe(String(BODY_LIMIT_BYTES));
    const [ping] = await stack.store.pings(monitor.id, 1);
    expect(ping?.body).toHaveLength(BODY_LIMIT_BYTES);
    expect(ping?.body.endsWith('aaaError: disk full\n')).toBe(true);
    expect(ping?.body).not.toContain('START');
    expect(ping?.bodyBytesCut).toBe(body.length - BODY_LIMIT_BYTES);
  });
});

describe('monitors per team', () => {
  it('rejects the monitor past the cap with the reason', { timeout: 30_000 }, async () => {
    const cap = DEFAULT_STORE_LIMITS.monitorsPerTeam;
    const teamId = `slack:${TEAM}`;
    const existing = (await stack.store.listTeam(teamId)).length;
    for (let i = existing; i < cap - 1; i++) {
      const monitor = buildMonitor(
        {
          id: newMonitorId(),
          token: newPingToken(),
          teamId,
          platform: 'slack',
          channelId: 'C0ALERTS1',
          name: `filler-${i}`,
          schedule: { kind: 'interval', periodSeconds: 86_400 },
          graceMs: null,
          maxRuntimeMs: null,
          createdBy: 'U0OWNER01',
        },
        Date.now(),
      );
      await stack.store.create(monitor);
    }

    const last = await stack.command('new cap-last every 1 day');
    expect(last.text).toContain('Created monitor cap-last');
    const over = await stack.command('new cap-over every 1 day');
    expect(over.text).toContain(`This team has ${cap} monitors, the most it may have.`);
    expect(over.text).toContain('Delete one before adding another.');
    expect(await stack.store.idForName(teamId, 'cap-over')).toBeNull();

    // Another team is not held to this team's count.
    const other = await stack.command('new cap-over every 1 day', { team: 'T0OTHER01' });
    expect(other.text).toContain('Created monitor cap-over');
  });
});

describe('command length', () => {
  it('rejects a command past the cap with the limit', async () => {
    const long = await stack.command(`status ${'x'.repeat(MAX_COMMAND_LENGTH)}`);
    expect(long.status).toBe(200);
    expect(long.text).toContain(
      `That command is ${MAX_COMMAND_LENGTH + 7} characters long; the limit is ${MAX_COMMAND_LENGTH}.`,
    );
    const atCap = await stack.command(`status ${'x'.repeat(MAX_COMMAND_LENGTH - 7)}`);
    expect(atCap.text).not.toContain('the limit is');
  });
});
