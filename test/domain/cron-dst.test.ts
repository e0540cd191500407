import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextCronRuns } from '../../src/domain/cron.js';
import { offsetTransitions } from '../../src/domain/local-time.js';
import { DST_CASES, DST_ZONE_CHANGES, HOST_ZONES } from './cron-dst-cases.js';
import { simulateDebianCron } from './cron-simulator.js';

const HOUR_MS = 3_600_000;
const iso = (runs: number[]) => runs.map((run) => new Date(run).toISOString().replace('.000', ''));

// Node re-reads process.env.TZ when it is assigned, so one process can stand in for several hosts.
// The child-process test in cron-host-tz.test.ts checks the same table with TZ set at start.
describe.each(HOST_ZONES)('cron DST table on a host in %s', (hostZone) => {
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
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toMatch(
      hostZone === 'Asia/Kolkata' ? /Asia\/(Kolkata|Calcutta)/ : hostZone,
    );
  });

  it.each(DST_CASES)('$name', ({ expression, timezone, from, runs }) => {
    expect(iso(nextCronRuns(expression, timezone, Date.parse(from), runs.length))).toEqual(runs);
  });

  it.each(Object.entries(DST_ZONE_CHANGES))('finds the 2025 changes of %s', (zone, changes) => {
    const found = offsetTransitions(
      zone,
      Date.parse('2025-01-01T00:00Z'),
      Date.parse('2026-01-01T00:00Z'),
    );
    expect(iso(found.map((change) => change.instant))).toEqual(changes);
  });
});

describe('cron DST table against a model of Debian cron', () => {
  it.each(DST_CASES)('$name', ({ expression, timezone, from, runs }) => {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(runs.at(-1)!);
    expect(iso(simulateDebianCron(expression, timezone, fromMs, toMs))).toEqual(runs);
  });
});

const MINUTES = ['*', '0', '30', '15,45', '*/15', '*/20', '5-59/30', '0,30'];
const HOURS = ['*', '0', '1', '2', '3', '1,2,3', '*/2', '*/3', '0-4', '2-3', '1-23/2'];
const DAYS_OF_MONTH = ['*', '*', '1-15', '*/2', 'L', '20-31'];
const DAYS_OF_WEEK = ['*', '*', '0', '1-5', '6,0', '0L', '0#1'];

describe('cron evaluator against a model of Debian cron', () => {
  it('agrees on random expressions around every 2025 change', () => {
    const changes = Object.entries(DST_ZONE_CHANGES).flatMap(([zone, instants]) =>
      instants.map((instant) => ({ zone, instant: Date.parse(instant) })),
    );
    const property = fc.property(
      fc.constantFrom(...MINUTES),
      fc.constantFrom(...HOURS),
      fc.constantFrom(...DAYS_OF_MONTH),
      fc.constantFrom(...DAYS_OF_WEEK),
      fc.constantFrom(...changes),
      fc.integer({ min: -30, max: 6 }),
      (minute, hour, dayOfMonth, dayOfWeek, change, offsetHours) => {
        const expression = `${minute} ${hour} ${dayOfMonth} * ${dayOfWeek}`;
        const fromMs = change.instant + offsetHours * HOUR_MS;
        const toMs = fromMs + 36 * HOUR_MS;
        const expected = simulateDebianCron(expression, change.zone, fromMs, toMs);
        const actual: number[] = [];
        let cursor = fromMs;
        for (;;) {
          const [next] = nextCronRuns(expression, change.zone, cursor, 1);
          if (next === undefined || next > toMs) break;
          actual.push(next);
          cursor = next;
        }
        expect(iso(actual)).toEqual(iso(expected));
      },
    );
    fc.assert(property, { numRuns: 150, seed: 20250611 });
  });
});
