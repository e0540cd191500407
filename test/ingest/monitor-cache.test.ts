import { describe, expect, it } from 'vitest';
import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor } from '../../src/domain/types.js';
import { MonitorCache } from '../../src/ingest/monitor-cache.js';

function monitorAt(generation: number, lastPingAt: number | null): Monitor {
  const monitor = buildMonitor(
    {
      id: 'mcache0000000001',
      token: 'token',
      teamId: 'cli:cache',
      platform: 'cli',
      channelId: 'C1',
      name: 'nightly',
      schedule: { kind: 'interval', periodSeconds: 3600 },
      graceMs: 60_000,
      maxRuntimeMs: null,
      createdBy: 'U1',
    },
    1_700_000_000_000,
  );
  return { ...monitor, generation, lastPingAt };
}

describe('MonitorCache', () => {
  it('returns what was stored', () => {
    const cache = new MonitorCache(10);
    cache.set('m1', monitorAt(1, 5), 900);

    expect(cache.get('m1')).toEqual({ monitor: monitorAt(1, 5), armedAt: 900 });
    expect(cache.get('m2')).toBeUndefined();
  });

  it('keeps returned copies unchanged', () => {
    const cache = new MonitorCache(10);
    cache.set('m1', monitorAt(1, 5), 900);
    const first = cache.get('m1')!;
    first.monitor.lastPingAt = 7;

    cache.set('m1', monitorAt(2, 10), null);
    expect(first.monitor.generation).toBe(1);
    expect(first.armedAt).toBe(900);
    expect(cache.get('m1')).toEqual({ monitor: monitorAt(2, 10), armedAt: null });
  });

  it('copies the stored monitor', () => {
    const cache = new MonitorCache(10);
    const written = monitorAt(1, 5);
    cache.set('m1', written, 900);
    cache.set('m1', monitorAt(2, 10), 900);

    expect(written.generation).toBe(1);
    expect(written.lastPingAt).toBe(5);
  });

  it('ignores a write of an older generation', () => {
    const cache = new MonitorCache(10);
    cache.set('m1', monitorAt(3, 30), 900);
    cache.set('m1', monitorAt(2, 20), 800);

    expect(cache.get('m1')).toEqual({ monitor: monitorAt(3, 30), armedAt: 900 });
  });

  it('overwrites every field, null ones too', () => {
    const cache = new MonitorCache(10);
    cache.set('m1', { ...monitorAt(1, 5), silencedUntil: 99, silencedBy: 'U2' }, 900);
    cache.set('m1', monitorAt(2, 6), 900);

    expect(cache.get('m1')?.monitor.silencedUntil).toBeNull();
    expect(cache.get('m1')?.monitor.silencedBy).toBeNull();
  });

  it('evicts the least recently written', () => {
    const cache = new MonitorCache(2);
    cache.set('m1', monitorAt(1, 1), null);
    cache.set('m2', monitorAt(1, 2), null);
    cache.set('m1', monitorAt(2, 3), null);
    cache.set('m3', monitorAt(1, 4), null);

    expect(cache.get('m2')).toBeUndefined();
    expect(cache.get('m1')?.monitor.lastPingAt).toBe(3);
    expect(cache.get('m3')?.monitor.lastPingAt).toBe(4);
  });

  it('drops deleted and oldest entries', () => {
    const cache = new MonitorCache(2);
    cache.set('m1', monitorAt(1, 1), null);
    cache.set('m2', monitorAt(1, 2), null);
    cache.delete('m1');
    expect(cache.get('m1')).toBeUndefined();

    cache.set('m3', monitorAt(1, 3), null);
    cache.set('m4', monitorAt(1, 4), null);
    expect(cache.get('m2')).toBeUndefined();
    expect(cache.get('m4')?.monitor.lastPingAt).toBe(4);
  });
});
