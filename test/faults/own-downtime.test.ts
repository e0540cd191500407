// Drumbeat itself is down. After a long downtime, monitors whose jobs could not report get a
// fresh window instead of an alert each. After a short restart, a deadline that passed waits
// for the pings that jobs retry.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultStack, firstText, sleep } from './harness.js';

// Web processes beat every sixth of this, and two beats missed (3.3 s) are a gap. A restart
// shorter than the threshold is a short gap, after which a deadline that passed waits this long.
const DOWNTIME_THRESHOLD_MS = 10_000;
// How long a short restart keeps the service down. With 2 s, a start under 1.3 s soon after a
// beat left less than two beats between beats, so the restart was sometimes no gap at all.
const SHORT_DOWNTIME_MS = 4000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start({
    env: { DRUMBEAT_DOWNTIME_THRESHOLD_MS: String(DOWNTIME_THRESHOLD_MS) },
  });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

/** Kills the service 300 ms after a ping, starts it again 4 s later, and returns when it ran. */
async function restartSoonAfterPing(): Promise<number> {
  await sleep(300);
  await stack.service.stop('SIGKILL');
  await sleep(SHORT_DOWNTIME_MS);
  await stack.restartService();
  return Date.now();
}

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

  it('holds a deadline of a short restart, then alerts', { timeout: 40_000 }, async () => {
    const quick = await stack.createMonitor('ingest-quick', 'every 1 second grace 1s');
    expect((await fetch(quick.pingUrl)).status).toBe(200);

    // Down for less than the threshold, and past the deadline 2 s after the ping. A ping the job
    // sent meanwhile may still come as a retry, so the alert waits the threshold.
    const restartedAt = await restartSoonAfterPing();

    await sleep(3000);
    expect(stack.alertsOf(quick.id)).toHaveLength(0);
    const alert = await stack.waitForAlert(quick.id, 15_000);
    expect(firstText(alert)).toContain('is late');
    expect(Date.now() - restartedAt).toBeGreaterThanOrEqual(DOWNTIME_THRESHOLD_MS - 1000);
  });

  it('takes a retried ping after a short restart', { timeout: 40_000 }, async () => {
    const retried = await stack.createMonitor('ingest-retried', 'every 2 seconds grace 1s');
    expect((await fetch(retried.pingUrl)).status).toBe(200);

    // The deadline, 3 s after the ping, passes while the service is down. The job's next ping
    // was refused meanwhile and comes as curl's retry does, once the service is back.
    const holdEnds = (await restartSoonAfterPing()) + DOWNTIME_THRESHOLD_MS;
    while (Date.now() < holdEnds + 2000) {
      expect((await fetch(retried.pingUrl)).status).toBe(200);
      await sleep(1000);
    }

    expect(stack.alertsOf(retried.id)).toHaveLength(0);
    expect((await stack.monitor(retried.id)).monitor.state).toBe('up');
  });
});
