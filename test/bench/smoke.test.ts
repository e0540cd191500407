// Runs `npm run bench -- --smoke` as a child process, to keep the benchmark from rotting. It
// checks that every row is measured and that every ping that got 200 was stored. It checks no
// speed, because speed depends on the machine.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunCount {
  load: { ok: number; notOk: number; errors: number; requestsPerSecond: number };
  stored: number;
}

interface SmokeJson {
  results: {
    small: RunCount[];
    large: RunCount[];
    spread: RunCount;
    memory: { bytesPerMonitor: number; bytesPerStoredPing: number };
    lateness: { due: number; received: number; maxMs: number }[];
  };
  rows: { measurement: string; result: string }[];
}

const ROW_LABELS = [
  'bare node:http hello-world',
  'ping rate, 200 monitors',
  'CPU of the server process per request',
  'ping latency, 200 monitors',
  'ping rate, 5,000 monitors, the same 200 pinged',
  'ping rate, 5,000 monitors, each ping to another monitor',
  'pings stored, every ping run',
  'alert lateness, 2,000 monitors, 50 due at once, 1 worker process',
  'alert lateness, 2,200 monitors, 200 due at once, 1 worker process',
  'Redis memory per idle monitor',
  'ping history per monitor',
];

const dir = mkdtempSync(join(tmpdir(), 'drumbeat-bench-smoke-'));
const jsonPath = join(dir, 'results.json');
let exitCode: number | null = null;
let stdout = '';
let stderr = '';
let json: SmokeJson;

function runSmoke(): Promise<number | null> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--smoke', '--json', jsonPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  exitCode = await runSmoke();
  if (exitCode === 0) json = JSON.parse(readFileSync(jsonPath, 'utf8')) as SmokeJson;
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bench smoke run', () => {
  it('exits with 0', () => {
    expect(exitCode, stderr.slice(-3000)).toBe(0);
  });

  it.each(ROW_LABELS)('prints the row "%s"', (label) => {
    const line = stdout.split('\n').find((row) => row.startsWith(`| ${label} |`));
    expect(line, stdout).toBeDefined();
    expect(line).not.toMatch(/NaN/);
  });

  it('stores every ping of each run', () => {
    const { small, large, spread } = json.results;
    expect(small).toHaveLength(1);
    expect(large).toHaveLength(1);
    for (const { load, stored } of [...small, ...large, spread]) {
      expect(load.ok).toBeGreaterThan(0);
      expect(load.notOk).toBe(0);
      expect(load.errors).toBe(0);
      expect(stored).toBeGreaterThanOrEqual(load.ok);
    }
  });

  it('receives every alert of each lateness round', () => {
    expect(json.results.lateness.map((round) => round.due)).toEqual([50, 200]);
    for (const round of json.results.lateness) expect(round.received).toBe(round.due);
  });

  it('measures memory per monitor and per ping', () => {
    expect(json.results.memory.bytesPerMonitor).toBeGreaterThan(0);
    expect(json.results.memory.bytesPerStoredPing).toBeGreaterThan(0);
  });
});
