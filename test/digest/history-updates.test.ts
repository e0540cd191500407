// What one change adds to the history, from real transitions of the state machine.

import { describe, expect, it } from 'vitest';
import { historyWrite } from '../../src/digest/history-updates.js';
import { type MonitorEvent, transition } from '../../src/domain/machine.js';
import type { Monitor } from '../../src/domain/types.js';
import { MINUTE, monitorFixture, pingFixture } from '../support/monitors.js';

function step(monitor: Monitor, event: MonitorEvent, now: number) {
  const result = transition(monitor, event, now);
  const write = historyWrite({
    before: monitor,
    after: result.monitor,
    event,
    transition: result,
    now,
  });
  return { monitor: result.monitor, write };
}

const ping = (kind: 'success' | 'start' | 'fail'): MonitorEvent => ({
  type: 'ping',
  ping: pingFixture(kind),
});

describe('history of a hung run', () => {
  it('counts a hung run once, at its start', () => {
    let monitor = monitorFixture({ maxRuntimeMs: 5 * MINUTE });
    monitor = step(monitor, ping('start'), 0).monitor;
    const hung = step(monitor, { type: 'deadline' }, 5 * MINUTE + 1);
    expect(hung.monitor.state).toBe('hung');
    expect(hung.write.counters).toContainEqual({ atMs: 0, counter: 'hung', value: 1, op: 'add' });
    expect(hung.write.counters).toContainEqual({
      atMs: 5 * MINUTE + 1,
      counter: 'incidents',
      value: 1,
      op: 'add',
    });

    const finished = step(hung.monitor, ping('success'), 8 * MINUTE);
    const counted = finished.write.counters.map((update) => update.counter);
    expect(counted).not.toContain('successes');
    expect(counted).toContain('recovered');
    expect(finished.write.samples).toEqual([{ runAtMs: 0, durationMs: 8 * MINUTE }]);
  });
});

describe('history of a pause while late', () => {
  it('counts the awaited run as missed and lists the pause', () => {
    let monitor = monitorFixture({ graceMs: MINUTE });
    monitor = step(monitor, ping('success'), 0).monitor;
    // Every 10 minutes with 1 minute of grace: late at 11 minutes.
    monitor = step(monitor, { type: 'deadline' }, 11 * MINUTE + 1).monitor;
    expect(monitor.state).toBe('late');
    const paused = step(monitor, { type: 'pause', by: 'U1' }, 12 * MINUTE);
    expect(paused.write.counters).toContainEqual({
      atMs: 10 * MINUTE,
      counter: 'missed',
      value: 1,
      op: 'add',
    });
    expect(paused.write.changes).toEqual([
      expect.objectContaining({ kind: 'paused', atMs: 12 * MINUTE, by: 'U1' }),
    ]);
    // The incident was open from 11:00.001 to 12:00: its time goes to the slot it fell in.
    const down = paused.write.counters.filter((update) => update.counter === 'downMs');
    expect(down).toEqual([
      { atMs: 11 * MINUTE + 1, counter: 'downMs', value: MINUTE - 1, op: 'add' },
    ]);
  });
});

describe('history of an incident across slots', () => {
  it('spreads the down time over the 15-minute slots it covered', () => {
    let monitor = monitorFixture();
    monitor = step(monitor, ping('success'), 0).monitor;
    monitor = step(monitor, ping('fail'), 10 * MINUTE).monitor;
    const recovered = step(monitor, ping('success'), 40 * MINUTE);
    const down = recovered.write.counters.filter((update) => update.counter === 'downMs');
    expect(down.map((update) => [update.atMs, update.value])).toEqual([
      [10 * MINUTE, 5 * MINUTE],
      [15 * MINUTE, 15 * MINUTE],
      [30 * MINUTE, 10 * MINUTE],
    ]);
  });
});

describe('history of a deadline after downtime', () => {
  it('counts no missed run for a fresh window', () => {
    let monitor = monitorFixture({ graceMs: MINUTE });
    monitor = step(monitor, ping('success'), 0).monitor;
    monitor = step(monitor, { type: 'deadline' }, 11 * MINUTE + 1).monitor;
    monitor = step(monitor, { type: 'deadline' }, 21 * MINUTE + 1).monitor;
    expect(monitor.state).toBe('missed');
    // Drumbeat could take pings again from 31:00 on, so the run due at 30:00 gets a fresh window.
    const fresh = step(monitor, { type: 'deadline', ingestUpSince: 31 * MINUTE }, 31 * MINUTE + 1);
    expect(fresh.monitor.expectedAt).toBe(41 * MINUTE);
    expect(fresh.monitor.incident?.missedRuns).toBe(2);
    const counted = fresh.write.counters.map((update) => update.counter);
    expect(counted).not.toContain('missed');
  });
});

describe('history of a failed interval job', () => {
  it('counts the next run but not a retry', () => {
    let monitor = monitorFixture({ graceMs: MINUTE });
    monitor = step(monitor, ping('success'), 0).monitor;
    monitor = step(monitor, ping('start'), 10 * MINUTE).monitor;
    const failed = step(monitor, ping('fail'), 10 * MINUTE + 30_000);
    expect(failed.write.counters).toContainEqual({
      atMs: 10 * MINUTE,
      counter: 'failures',
      value: 1,
      op: 'add',
    });

    const retry = step(failed.monitor, ping('fail'), 10 * MINUTE + 40_000);
    const retried = retry.write.counters.map((update) => update.counter);
    expect(retried).not.toContain('failures');

    // The job's timer starts the next run 40 s before one period after the retry, which is
    // within the grace period of that expected time.
    monitor = step(retry.monitor, ping('start'), 20 * MINUTE).monitor;
    const next = step(monitor, ping('success'), 20 * MINUTE + 20_000);
    expect(next.write.counters).toContainEqual({
      atMs: 20 * MINUTE,
      counter: 'successes',
      value: 1,
      op: 'add',
    });
  });
});
