// Drumbeat itself is down for longer than some monitors' periods. Jobs could not report while
// it was away, so on its return those monitors get a fresh window instead of an alert each.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultStack, firstText, sleep } from './harness.js';

// Web processes beat every sixth of this. It is longer than a restart takes (1.5 s on a quiet
// machine, more on a busy one), so a quick restart does not count as downtime.
const DOWNTIME_THRESHOLD_MS = 10_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({
    env: { DRUMBEAT_DOWNTIME_THRESHOLD_MS: String(DOWNTIME_THRESHOLD_MS) },
  });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('downtime of Drumbeat itself', () => {
  it('raises no burst of alerts after a restart', { timeout: 40_000 }, async () => {
    const fast = await stack.createMonitor('ingest-fast', 'every 2 seconds grace 1s');
    const medium = await stack.createMonitor('ingest-medium', 'every 3 seconds grace 1s');
    const daily = await stack.createMonitor('ingest-daily', 'every 1 day');
    for (const monitor of [fast, medium, daily]) {
      expect((await fetch(monitor.pingUrl)).status).toBe(200);
    }

    // Down for 11 s: five periods of the fast monitor, three of the medium one.
    await stack.service.stop('SIGKILL');
    await sleep(11_000);
    const restartedAt = Date.now();
    await stack.restartService();

    // Both deadlines passed while no ping could arrive, and neither raises an alert for it.
    await sleep(1500);
    expect(stack.alertsOf(fast.id)).toHaveLength(0);
    expect(stack.alertsOf(medium.id)).toHaveLength(0);
    const fastAfter = (await stack.monitor(fast.id)).monitor;
    expect(fastAfter.state).toBe('up');
    expect(fastAfter.incident).toBeNull();
    expect(fastAfter.expectedAt).toBeGreaterThanOrEqual(restartedAt + 2000);

    // A ping inside the fresh window keeps the medium monitor up.
    expect((await fetch(medium.pingUrl)).status).toBe(200);

    // The fast monitor, still silent, goes late once its fresh window has passed: one alert
    // for one run, not one for every run that fell into the downtime.
    const alert = await stack.waitForAlert(fast.id, 8000);
    expect(firstText(alert)).toContain('is late');
    const incident = (await stack.monitor(fast.id)).monitor.incident;
    expect(incident?.missedRuns).toBe(1);
    expect(incident?.expectedAt).toBeGreaterThanOrEqual(restartedAt + 2000);
    expect(stack.alertsOf(medium.id)).toHaveLength(0);
    expect(stack.alertsOf(daily.id)).toHaveLength(0);
  });

  it('alerts at once after a restart shorter than the threshold', { timeout: 30_000 }, async () => {
    const quick = await stack.createMonitor('ingest-quick', 'every 1 second grace 1s');
    expect((await fetch(quick.pingUrl)).status).toBe(200);

    // Down for less than the threshold, but past the deadline 2 s after the ping: the job had
    // its chance to report.
    await sleep(300);
    await stack.service.stop('SIGKILL');
    await sleep(2000);
    await stack.restartService();

    const alert = await stack.waitForAlert(quick.id, 3000);
    expect(firstText(alert)).toContain('is late');
  });
});
