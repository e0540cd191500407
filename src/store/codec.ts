import { z } from 'zod';
import {
  INCIDENT_KINDS,
  type Incident,
  MONITOR_STATES,
  type Monitor,
  PING_KINDS,
  PLATFORMS,
  type StoredPing,
} from '../domain/types.js';
import {
  monitorFromValues,
  monitorValues,
  pingFromValues,
  pingValues,
  RecordFormatError,
} from './record-format.js';

// Records are stored as JSON and checked with zod on every read, so a corrupt or foreign
// record is reported as such instead of flowing into the state machine.

const nullableNumber = z.number().nullable();
const nullableString = z.string().nullable();

const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interval'), periodSeconds: z.number().positive() }),
  z.object({ kind: z.literal('cron'), expression: z.string(), timezone: z.string() }),
]);

export const incidentSchema = z.object({
  id: z.string(),
  kind: z.enum(INCIDENT_KINDS),
  openedAt: z.number(),
  expectedAt: nullableNumber,
  missedRuns: z.number().int(),
  lastPingAt: nullableNumber,
  exitStatus: nullableNumber,
  bodyExcerpt: nullableString,
  runningSince: nullableNumber,
  repeats: z.number().int(),
  acknowledgedBy: nullableString,
  acknowledgedAt: nullableNumber,
  closedAt: nullableNumber,
  closeReason: z.enum(['recovered', 'ran_late', 'paused', 'deleted']).nullable(),
  closedBy: nullableString,
  // Records written before these fields existed have none.
  failedAt: nullableNumber.default(null),
  failures: z.number().int().default(0),
});

export const monitorSchema = z.object({
  id: z.string(),
  token: z.string(),
  teamId: z.string(),
  platform: z.enum(PLATFORMS),
  channelId: z.string(),
  name: z.string(),
  schedule: scheduleSchema,
  graceMs: z.number(),
  maxRuntimeMs: nullableNumber,
  createdAt: z.number(),
  createdBy: z.string(),
  state: z.enum(MONITOR_STATES),
  generation: z.number().int(),
  lastPingAt: nullableNumber,
  lastSuccessAt: nullableNumber,
  expectedAt: nullableNumber,
  dueAt: nullableNumber,
  deadlineKind: z.enum(['late', 'missed', 'hung']).nullable(),
  openRuns: z.array(z.object({ rid: nullableString, startedAt: z.number() })),
  silencedUntil: nullableNumber,
  silencedBy: nullableString,
  pausedAt: nullableNumber,
  pausedBy: nullableString,
  incident: incidentSchema.nullable(),
});

export const storedPingSchema = z.object({
  at: z.number(),
  kind: z.enum(PING_KINDS),
  exitStatus: nullableNumber,
  rid: nullableString,
  method: z.string(),
  body: z.string(),
  bodyBytesCut: z.number(),
  userAgent: nullableString,
  remoteAddress: nullableString,
  durationMs: nullableNumber,
  id: nullableString,
});

/** A monitor as stored: the record, and when its live deadline job fires (null: none). */
export interface StoredMonitor {
  monitor: Monitor;
  armedAt: number | null;
}

/**
 * Encodes a monitor as `<generation>|<armedAt>|<json>`, so Lua reads the header cheaply. The
 * JSON is an array of the monitor's values (see record-format.ts). Records stored as JSON
 * objects, the earlier form, are still read.
 */
export function encodeMonitor(monitor: Monitor, armedAt: number | null): string {
  return `${monitor.generation}|${armedAt ?? ''}|${encodeMonitorJson(monitor)}`;
}

/** Encodes the JSON part of a stored monitor, for writes that keep the stored armedAt. */
export function encodeMonitorJson(monitor: Monitor): string {
  return JSON.stringify(monitorValues(monitor));
}

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

/** Decodes the record stored under the key of monitor `id`. */
export function decodeMonitor(value: string, id: string): StoredMonitor {
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  if (first < 0 || second < 0) throw new CorruptRecordError('monitor record has no header');
  const armedText = value.slice(first + 1, second);
  const json = value.slice(second + 1);
  const parsed = monitorSchema.safeParse(fromJson(json, (values) => monitorFromValues(id, values)));
  if (!parsed.success) {
    throw new CorruptRecordError(`monitor record is invalid: ${parsed.error.message}`);
  }
  if (parsed.data.id !== id) {
    throw new CorruptRecordError(`monitor record under the key of ${id} has id ${parsed.data.id}`);
  }
  return { monitor: parsed.data, armedAt: armedText === '' ? null : Number(armedText) };
}

export function decodeIncident(value: string): Incident {
  return incidentSchema.parse(JSON.parse(value));
}

export function encodePing(ping: StoredPing): string {
  return JSON.stringify(pingValues(ping));
}

export function decodePing(value: string): StoredPing {
  return storedPingSchema.parse(fromJson(value, pingFromValues));
}

/** Parses a stored array into a record for its schema, or returns an object as it is. */
function fromJson(json: string, fromValues: (values: unknown[]) => unknown): unknown {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return parsed;
  try {
    return fromValues(parsed);
  } catch (error) {
    if (error instanceof RecordFormatError) throw new CorruptRecordError(error.message);
    throw error;
  }
}
