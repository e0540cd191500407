import { describe, expect, it } from 'vitest';
import { transition } from '../../src/domain/machine.js';
import type { Monitor, StoredPing } from '../../src/domain/types.js';
import {
  CorruptRecordError,
  decodeIncident,
  decodeMonitor,
  decodePing,
  encodeMonitor,
  encodePing,
} from '../../src/store/codec.js';
import { newPingId } from '../../src/store/ids.js';
import { HOUR, MINUTE, monitorFixture, pingFixture } from '../support/monitors.js';

function failedMonitor(): Monitor {
  const started = transition(monitorFixture(), { type: 'ping', ping: pingFixture('start') }, HOUR);
  const failed = transition(
    started.monitor,
    { type: 'ping', ping: pingFixture('fail', { exitStatus: 3, body: 'disk | full' }) },
    HOUR + MINUTE,
  );
  return { ...failed.monitor, silencedUntil: 5 * HOUR, silencedBy: 'UOWNER' };
}

const cases: [string, Monitor][] = [
  ['a new monitor', monitorFixture()],
  [
    'a cron monitor',
    monitorFixture({
      schedule: { kind: 'cron', expression: '0 3 * * 1-5', timezone: 'Europe/Berlin' },
    }),
  ],
  ['a failed, silenced monitor with an incident', failedMonitor()],
  [
    'a running monitor',
    transition(
      monitorFixture(),
      { type: 'ping', ping: pingFixture('start', { rid: '00000000-0000-4000-8000-00000000000a' }) },
      HOUR,
    ).monitor,
  ],
];

describe('monitor record', () => {
  it.each(cases)('reads back %s unchanged', (_name, monitor) => {
    const stored = decodeMonitor(encodeMonitor(monitor, 12_345), monitor.id);

    expect(stored.monitor).toEqual(monitor);
    expect(stored.armedAt).toBe(12_345);
  });

  it('keeps the header that the Lua scripts read', () => {
    const monitor = { ...monitorFixture(), generation: 7 };

    expect(encodeMonitor(monitor, null).startsWith('7||[')).toBe(true);
    expect(encodeMonitor(monitor, 99).startsWith('7|99|[')).toBe(true);
  });

  it('stores no field names and no trailing nulls', () => {
    const json = encodeMonitor(monitorFixture(), null).split('|').slice(2).join('|');

    expect(json).not.toContain('"generation"');
    expect(json.endsWith(',null]')).toBe(false);
  });

  it('reads a record stored as a JSON object', () => {
    const monitor = failedMonitor();
    const stored = decodeMonitor(`3|42|${JSON.stringify(monitor)}`, monitor.id);

    expect(stored.monitor).toEqual(monitor);
    expect(stored.armedAt).toBe(42);
  });

  it('rejects an array of an unknown format', () => {
    expect(() => decodeMonitor('1||[9,"x"]', 'mon1')).toThrow(CorruptRecordError);
  });

  it('rejects a record whose values fail the schema', () => {
    const json = encodeMonitor(monitorFixture(), null).replace('"new"', '"sleeping"');

    expect(() => decodeMonitor(json, 'mon1')).toThrow(CorruptRecordError);
  });

  it('rejects an object record stored under another monitor key', () => {
    const value = `0||${JSON.stringify(monitorFixture())}`;

    expect(() => decodeMonitor(value, 'mon2')).toThrow(/has id mon1/);
  });
});

describe('ping record', () => {
  const ping: StoredPing = { ...pingFixture('success'), at: 1000, durationMs: null, id: null };

  it('reads back a ping unchanged', () => {
    expect(decodePing(encodePing(ping))).toEqual(ping);
  });

  it('reads back a failed ping with every field set', () => {
    const failed: StoredPing = {
      ...pingFixture('fail', { exitStatus: 2, rid: '00000000-0000-4000-8000-00000000000b' }),
      body: 'error: "quoted", | piped',
      at: 2000,
      durationMs: 1500,
      id: newPingId(),
    };

    expect(decodePing(encodePing(failed))).toEqual(failed);
  });

  it('adds only its id to a ping with an id', () => {
    const withId = { ...ping, id: newPingId() };

    // The quotes and the comma, not the null values before the end.
    expect(encodePing(withId).length).toBe(encodePing(ping).length + withId.id.length + 3);
    expect(decodePing(encodePing(withId))).toEqual(withId);
  });

  it('gives each ping an id of its own', () => {
    const ids = Array.from({ length: 1000 }, newPingId);
    expect(new Set(ids).size).toBe(1000);
  });

  it('reads a ping stored as a JSON object', () => {
    expect(decodePing(JSON.stringify(ping))).toEqual(ping);
  });

  it('takes less than half the bytes of the object form', () => {
    expect(encodePing(ping).length * 2).toBeLessThan(JSON.stringify(ping).length);
  });
});

describe('incident record', () => {
  it('reads an incident stored before failedAt', () => {
    const failed = transition(monitorFixture(), { type: 'ping', ping: pingFixture('fail') }, 1000);
    const { failedAt, ...older } = failed.monitor.incident!;
    expect(failedAt).toBe(1000);
    expect(decodeIncident(JSON.stringify(older)).failedAt).toBeNull();
    expect(decodeIncident(JSON.stringify(failed.monitor.incident)).failedAt).toBe(1000);
  });

  it('reads failures 0 in older incidents', () => {
    const failed = transition(monitorFixture(), { type: 'ping', ping: pingFixture('fail') }, 1000);
    const { failures, ...older } = failed.monitor.incident!;
    expect(failures).toBe(1);
    expect(decodeIncident(JSON.stringify(older)).failures).toBe(0);
    expect(decodeIncident(JSON.stringify(failed.monitor.incident)).failures).toBe(1);
  });
});
