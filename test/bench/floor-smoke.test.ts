// Runs `bench/floor.ts --smoke` as a child process, to keep the lateness floor from rotting. It
// checks that every setup received every alert of each round, never a speed.

import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a benchmark script with `args`. Variables in `env` replace those of this process. */
function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const run: Run = { exitCode: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      run.exitCode = code;
      resolve(run);
    }),
  );
}

function runFloor(args: string[]): Promise<Run> {
  return runScript('bench/floor.ts', args);
}

const SETUPS = ['bullmq', 'bullmq + post', 'service'];
const ROUNDS = [50, 200];

let smoke: Run;

beforeAll(async () => {
  smoke = await runFloor(['--smoke']);
}, 300_000);

describe('lateness floor smoke run', () => {
  it('exits with 0', () => {
    expect(smoke.exitCode, smoke.stderr.slice(-3000)).toBe(0);
  });

  it.each(SETUPS)('receives every alert in %s', (setup) => {
    for (const due of ROUNDS) {
      const line = `rep 1: ${setup}, ${due} due: ${due} received,`;
      expect(
        smoke.stdout.split('\n').some((row) => row.startsWith(line)),
        smoke.stdout,
      ).toBe(true);
    }
  });

  it('says that its numbers measure nothing', () => {
    expect(smoke.stdout).toContain('Smoke run: the numbers are too small to measure anything.');
    expect(smoke.stdout).not.toContain('Medians of');
  });

  it('prints a median row per setup and round', () => {
    for (const setup of SETUPS) {
      for (const due of ROUNDS) {
        const row = new RegExp(
          `^\\| ${setup.replace('+', '\\+')} \\| ${due} \\| \\d+ \\| \\d+ \\|$`,
          'm',
        );
        expect(smoke.stdout).toMatch(row);
      }
    }
  });
});

describe('lateness floor command line', () => {
  it('rejects a bad rep count without a stack', async () => {
    const run = await runFloor(['--reps', '0']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('invalid --reps 0: expected a whole number of 1 or more');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('names an unknown option and the usage', async () => {
    const run = await runFloor(['--rep', '2']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("'--rep'");
    expect(run.stderr).toContain('Usage: npm run bench:floor -- [--reps <n>] [--smoke] [--help]');
  });

  it('prints its help with --help', async () => {
    const run = await runFloor(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('--reps <n>  how many times each setup runs (default 3)');
    expect(run.stdout).not.toContain('rep 1:');
  });
});

describe('benchmark tools missing from PATH', () => {
  // Node runs from its full path and tsx from node_modules, so an empty PATH hides only the
  // tools that the scripts look up: redis-server and wrk.
  it('names a missing redis-server in one line', async () => {
    const run = await runScript('bench/floor.ts', ['--smoke'], { PATH: '' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'bench:floor: redis-server is not on PATH. Install Redis (Debian: apt-get install redis-server).\n',
    );
  });

  it('names a missing wrk in one line', async () => {
    const run = await runScript('bench/run.ts', ['--smoke', '--tool', 'wrk'], { PATH: '' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'bench: --tool wrk needs wrk on PATH. Install it (Debian: apt-get install wrk), or leave ' +
        'out --tool wrk to measure with autocannon.\n',
    );
  });
});
