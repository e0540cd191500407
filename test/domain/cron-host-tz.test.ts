import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DST_CASES, HOST_ZONES } from './cron-dst-cases.js';

const script = fileURLToPath(new URL('./cron-host-tz-run.ts', import.meta.url));

// Each host zone gets its own process with TZ set before Node starts, as on a real server.
describe.each(HOST_ZONES)('cron DST table in a process with TZ=%s', (hostZone) => {
  it('gives the same runs', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TZ: hostZone },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { hostZone: string; runs: string[][] };
    expect(result.hostZone).toMatch(
      hostZone === 'Asia/Kolkata' ? /Asia\/(Kolkata|Calcutta)/ : hostZone,
    );
    expect(result.runs).toEqual(DST_CASES.map((row) => row.runs));
  });
});
