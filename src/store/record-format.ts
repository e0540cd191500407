// Monitors and pings are stored as JSON arrays of their values in a fixed order, after a format
// number, because the field names would take half of each record: an idle monitor's record is
// about 270 bytes this way and 570 as a JSON object. Fields that are usually null come last,
// and trailing nulls are left out. New fields go at the end. The functions spell out every
// field instead of looping over a list, which is about twice as fast and lets the compiler
// check that none is missing.

import type { Monitor, StoredPing } from '../domain/types.js';

export const RECORD_FORMAT = 1;

/** A record as decoded from storage, before its schema has checked the values. */
export type Unchecked<T> = { [K in keyof T]: unknown };

export function monitorValues(m: Monitor): unknown[] {
  // biome-ignore format: several values a line keep the stored order readable at a glance
  return withoutTrailingNulls([
    RECORD_FORMAT, m.id, m.token, m.teamId, m.platform, m.channelId, m.name, m.schedule,
    m.graceMs, m.createdAt, m.createdBy, m.state, m.generation, m.lastPingAt,
    m.lastSuccessAt, m.expectedAt, m.dueAt, m.deadlineKind, m.openRuns, m.maxRuntimeMs,
    m.incident, m.silencedUntil, m.silencedBy, m.pausedAt, m.pausedBy,
  ]);
}

export function monitorFromValues(v: readonly unknown[]): Unchecked<Monitor> {
  checkFormat(v, 24);
  return {
    id: v[1] ?? null,
    token: v[2] ?? null,
    teamId: v[3] ?? null,
    platform: v[4] ?? null,
    channelId: v[5] ?? null,
    name: v[6] ?? null,
    schedule: v[7] ?? null,
    graceMs: v[8] ?? null,
    createdAt: v[9] ?? null,
    createdBy: v[10] ?? null,
    state: v[11] ?? null,
    generation: v[12] ?? null,
    lastPingAt: v[13] ?? null,
    lastSuccessAt: v[14] ?? null,
    expectedAt: v[15] ?? null,
    dueAt: v[16] ?? null,
    deadlineKind: v[17] ?? null,
    openRuns: v[18] ?? null,
    maxRuntimeMs: v[19] ?? null,
    incident: v[20] ?? null,
    silencedUntil: v[21] ?? null,
    silencedBy: v[22] ?? null,
    pausedAt: v[23] ?? null,
    pausedBy: v[24] ?? null,
  };
}

export function pingValues(p: StoredPing): unknown[] {
  // biome-ignore format: several values a line keep the stored order readable at a glance
  return withoutTrailingNulls([
    RECORD_FORMAT, p.at, p.kind, p.method, p.body, p.bodyBytesCut, p.userAgent,
    p.remoteAddress, p.exitStatus, p.rid, p.durationMs,
  ]);
}

export function pingFromValues(v: readonly unknown[]): Unchecked<StoredPing> {
  checkFormat(v, 10);
  return {
    at: v[1] ?? null,
    kind: v[2] ?? null,
    method: v[3] ?? null,
    body: v[4] ?? null,
    bodyBytesCut: v[5] ?? null,
    userAgent: v[6] ?? null,
    remoteAddress: v[7] ?? null,
    exitStatus: v[8] ?? null,
    rid: v[9] ?? null,
    durationMs: v[10] ?? null,
  };
}

/** Thrown for an array that is not in a format this version reads. */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

function checkFormat(values: readonly unknown[], fieldCount: number): void {
  if (values[0] !== RECORD_FORMAT || values.length > fieldCount + 1) {
    throw new RecordFormatError(
      `record has format ${String(values[0])} and ${values.length - 1} values`,
    );
  }
}

function withoutTrailingNulls(values: unknown[]): unknown[] {
  while (values.length > 1 && values[values.length - 1] === null) values.pop();
  return values;
}
