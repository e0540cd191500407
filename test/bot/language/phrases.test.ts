import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_ZONES } from '../../domain/cron-dst-cases.js';
import { checkRow, differences } from './phrase-check.js';
import { PHRASE_TABLE } from './phrase-table.js';

describe('phrase table', () => {
  it('has 150 rows of all kinds', () => {
    expect(PHRASE_TABLE.length).toBeGreaterThanOrEqual(150);
    const kinds = new Set(PHRASE_TABLE.map((row) => row.kind));
    expect([...kinds].sort()).toEqual(['schedule', 'spec', 'until']);
    expect(PHRASE_TABLE.some((row) => row.expect.error !== undefined)).toBe(true);
  });
});

// Node re-reads process.env.TZ when it is assigned, so one worker can stand in for each host.
describe.each(HOST_ZONES)('phrases on a host in %s', (hostZone) => {
  let savedZone: string | undefined;
  beforeAll(() => {
    savedZone = process.env.TZ;
    process.env.TZ = hostZone;
  });
  afterAll(() => {
    if (savedZone === undefined) delete process.env.TZ;
    else process.env.TZ = savedZone;
  });

  it('has the host zone in force', () => {
    const offsetMinutes = new Date('2025-06-11T15:00:00Z').getTimezoneOffset();
    expect(offsetMinutes).toBe({ UTC: 0, 'America/New_York': 240, 'Asia/Kolkata': -330 }[hostZone]);
  });

  it.each(
    PHRASE_TABLE.map(
      (row) => [`${row.kind} "${row.text}"${row.zone ? ` in ${row.zone}` : ''}`, row] as const,
    ),
  )('%s', (_name, row) => {
    expect(differences(row, checkRow(row))).toEqual([]);
  });
});
