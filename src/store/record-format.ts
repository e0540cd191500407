// Monitors and pings are stored as JSON arrays of their values in a fixed order, after a format
// number, because the field names would take half of each record. An idle monitor's record is
// about 250 bytes this way and 570 as a JSON object. The monitor id is left out, because the
// record's key contains it, and a schedule is an array too. Fields that are usually null come
// last, and trailing nulls are left out. New fields go at the end. The functions spell out
// every field instead of looping over a list, which is about twice as fast and lets the
// compiler check that none is missing.

import type { Monitor, Schedule, StoredPing } from '../domain/types.js';

export const RECORD_FORMAT = 1;

/** A record as decoded from storage, before its schema has checked the values. */
export type Unchecked<T> = { [K in keyof T]: unknown };

export function monitorValues(m: Monitor): unknown[] {
  // biome-ignore format: several values a line keep the stored order readable at a glance
  return withoutTrailingNulls([
    RECORD_FORMAT, m.token, m.teamId, m.platform, m.channelId, m.name, scheduleValues(m.schedule),
    m.graceMs, m.createdAt, m.createdBy, m.state, m.generation, m.lastPingAt,
    m.lastSuccessAt, m.expectedAt, m.dueAt, m.deadlineKind, m.openRuns, m.maxRuntimeMs,
    m.incident, m.silencedUntil, m.silencedBy, m.pausedAt, m.pausedBy,
  ]);
}

/** Builds the monitor stored under the key of `id` from its values. */
export function monitorFromValues(id: string, v: readonly unknown[]): Unchecked<Monitor> {
  checkFormat(v, 23);
  return {
    id,
    token: v[1] ?? null,
    teamId: v[2] ?? null,
    platform: v[3] ?? null,
    channelId: v[4] ?? null,
    name: v[5] ?? null,
    schedule: scheduleFromValues(v[6]),
    graceMs: v[7] ?? null,
    createdAt: v[8] ?? null,
    createdBy: v[9] ?? null,
    state: v[10] ?? null,
    generation: v[11] ?? null,
    lastPingAt: v[12] ?? null,
    lastSuccessAt: v[13] ?? null,
    expectedAt: v[14] ?? null,
    dueAt: v[15] ?? null,
    deadlineKind: v[16] ?? null,
    openRuns: v[17] ?? null,
    maxRuntimeMs: v[18] ?? null,
    incident: v[19] ?? null,
    silencedUntil: v[20] ?? null,
    silencedBy: v[21] ?? null,
    pausedAt: v[22] ?? null,
    pausedBy: v[23] ?? null,
  };
}

function scheduleValues(schedule: Schedule): unknown[] {
  if (schedule.kind === 'interval') return [schedule.kind, schedule.periodSeconds];
  return [schedule.kind, schedule.expression, schedule.timezone];
}

function scheduleFromValues(values: unknown): unknown {
  if (!Array.isArray(values)) return values ?? null;
  if (values[0] === 'interval') return { kind: values[0], periodSeconds: values[1] };
  return { kind: values[0], expression: values[1], timezone: values[2] };
}

// A ping with an id has a format of its own, with the id right after the format number, so that
// the usually null values before the end are still left out.
export const PING_FORMAT_WITH_ID = 2;

export function pingValues(p: StoredPing): unknown[] {
  if (p.id === null) {
    // biome-ignore format: several values a line keep the stored order readable at a glance
    return withoutTrailingNulls([
      RECORD_FORMAT, p.at, p.kind, p.method, p.body, p.bodyBytesCut, p.userAgent,
      p.remoteAddress, p.exitStatus, p.rid, p.durationMs,
    ]);
  }
  // biome-ignore format: several values a line keep the stored order readable at a glance
  return withoutTrailingNulls([
    PING_FORMAT_WITH_ID, p.id, p.at, p.kind, p.method, p.body, p.bodyBytesCut, p.userAgent,
    p.remoteAddress, p.exitStatus, p.rid, p.durationMs,
  ]);
}

export function pingFromValues(v: readonly unknown[]): Unchecked<StoredPing> {
  const withId = v[0] === PING_FORMAT_WITH_ID;
  if (withId) checkFormat(v, 11, PING_FORMAT_WITH_ID);
  else checkFormat(v, 10);
  // The values after the id sit one place later than in the format without it.
  const i = withId ? 2 : 1;
  return {
    at: v[i] ?? null,
    kind: v[i + 1] ?? null,
    method: v[i + 2] ?? null,
    body: v[i + 3] ?? null,
    bodyBytesCut: v[i + 4] ?? null,
    userAgent: v[i + 5] ?? null,
    remoteAddress: v[i + 6] ?? null,
    exitStatus: v[i + 7] ?? null,
    rid: v[i + 8] ?? null,
    durationMs: v[i + 9] ?? null,
    id: withId ? (v[1] ?? null) : null,
  };
}

/** Thrown for an array that is not in a format this version reads. */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

function checkFormat(values: readonly unknown[], fieldCount: number, format = RECORD_FORMAT): void {
  if (values[0] !== format || values.length > fieldCount + 1) {
    throw new RecordFormatError(
      `record has format ${String(values[0])} and ${values.length - 1} values`,
    );
  }
}

function withoutTrailingNulls(values: unknown[]): unknown[] {
  while (values.length > 1 && values[values.length - 1] === null) values.pop();
  return values;
}
