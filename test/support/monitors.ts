import { buildMonitor } from '../../src/domain/monitor.js';
import type { Monitor, PingInput, PingKind, Schedule } from '../../src/domain/types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A monitor in the `new` state, with values a test can override. */
export function monitorFixture(
  overrides: Partial<Monitor> & { schedule?: Schedule } = {},
): Monitor {
  const base = buildMonitor(
    {
      id: 'mon1',
      token: '00000000-0000-4000-8000-000000000001',
      teamId: 'slack:TOWNER',
      platform: 'slack',
      channelId: 'C1',
      name: 'backup',
      schedule: overrides.schedule ?? { kind: 'interval', periodSeconds: 600 },
      graceMs: overrides.graceMs ?? MINUTE,
      maxRuntimeMs: overrides.maxRuntimeMs ?? null,
      createdBy: 'UOWNER',
    },
    overrides.createdAt ?? 0,
  );
  return { ...base, ...overrides };
}

export function pingFixture(kind: PingKind, extra: Partial<PingInput> = {}): PingInput {
  return {
    kind,
    exitStatus: null,
    rid: null,
    method: 'GET',
    body: '',
    bodyBytesCut: 0,
    userAgent: 'curl/8',
    remoteAddress: '127.0.0.1',
    ...extra,
  };
}
