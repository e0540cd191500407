import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOST_ZONES } from '../../domain/cron-dst-cases.js';
import { PHRASE_TABLE } from './phrase-table.js';

const script = fileURLToPath(new URL('./host-tz-run.ts', import.meta.url));

// Each host zone gets its own process with TZ set before Node starts, as on a real server.
describe.each(HOST_ZONES)('phrase table in a process with TZ=%s', (hostZone) => {
  it('reads every row the same', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TZ: hostZone },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { rows: number; hostZone: string; failures: unknown[] };
    expect(result.hostZone).toMatch(
      hostZone === 'Asia/Kolkata' ? /Asia\/(Kolkata|Calcutta)/ : hostZone,
    );
    expect(result.rows).toBe(PHRASE_TABLE.length);
    expect(result.failures).toEqual([]);
  });
});
