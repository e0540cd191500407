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
});

/** A monitor as stored: the record, and when its live deadline job fires (null: none). */
export interface StoredMonitor {
  monitor: Monitor;
  armedAt: number | null;
}

// Monitors and pings are stored as JSON arrays of their values in these orders, after a format
// number, because field names would take half of each record: an idle monitor takes about 300
// bytes instead of 570. New fields go at the end. Records stored as JSON objects, the earlier
// form, are still read.
const RECORD_FORMAT = 1;

const MONITOR_FIELDS = [
  'id',
  'token',
  'teamId',
  'platform',
  'channelId',
  'name',
  'schedule',
  'graceMs',
  'maxRuntimeMs',
  'createdAt',
  'createdBy',
  'state',
  'generation',
  'lastPingAt',
  'lastSuccessAt',
  'expectedAt',
  'dueAt',
  'deadlineKind',
  'openRuns',
  'silencedUntil',
  'silencedBy',
  'pausedAt',
  'pausedBy',
  'incident',
] as const satisfies readonly (keyof Monitor)[];

const PING_FIELDS = [
  'at',
  'kind',
  'exitStatus',
  'rid',
  'method',
  'body',
  'bodyBytesCut',
  'userAgent',
  'remoteAddress',
  'durationMs',
] as const satisfies readonly (keyof StoredPing)[];

// Fails to compile when a field of the record types is missing from the lists above.
type UnlistedField =
  | Exclude<keyof Monitor, (typeof MONITOR_FIELDS)[number]>
  | Exclude<keyof StoredPing, (typeof PING_FIELDS)[number]>;
const everyFieldListed: [UnlistedField] extends [never] ? true : never = true;
void everyFieldListed;

function toValues<T extends object>(record: T, fields: readonly (keyof T)[]): string {
  const values: unknown[] = [RECORD_FORMAT];
  for (const field of fields) values.push(record[field]);
  return JSON.stringify(values);
}

/** Turns a stored array back into an object; returns anything else unchanged for the schema. */
function fromValues(parsed: unknown, fields: readonly string[]): unknown {
  if (!Array.isArray(parsed)) return parsed;
  if (parsed[0] !== RECORD_FORMAT || parsed.length !== fields.length + 1) {
    throw new CorruptRecordError(`record has format ${String(parsed[0])}, length ${parsed.length}`);
  }
  const record: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) record[fields[i]!] = parsed[i + 1];
  return record;
}

/** The stored form is `<generation>|<armedAt>|<json>`, so Lua reads the header cheaply. */
export function encodeMonitor(monitor: Monitor, armedAt: number | null): string {
  return `${monitor.generation}|${armedAt ?? ''}|${toValues(monitor, MONITOR_FIELDS)}`;
}

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

export function decodeMonitor(value: string): StoredMonitor {
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  if (first < 0 || second < 0) throw new CorruptRecordError('monitor record has no header');
  const armedText = value.slice(first + 1, second);
  const record = fromValues(JSON.parse(value.slice(second + 1)), MONITOR_FIELDS);
  const parsed = monitorSchema.safeParse(record);
  if (!parsed.success) {
    throw new CorruptRecordError(`monitor record is invalid: ${parsed.error.message}`);
  }
  return { monitor: parsed.data, armedAt: armedText === '' ? null : Number(armedText) };
}

export function decodeIncident(value: string): Incident {
  return incidentSchema.parse(JSON.parse(value));
}

export function encodePing(ping: StoredPing): string {
  return toValues(ping, PING_FIELDS);
}

export function decodePing(value: string): StoredPing {
  return storedPingSchema.parse(fromValues(JSON.parse(value), PING_FIELDS));
}
