// The machine and the software versions behind a run.

import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  /** Processors this process may use, as `nproc` counts them. */
  processors: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  redis: string;
  /** `wrk --version` when wrk ran the load, else null. */
  wrk: string | null;
  autocannon: string;
  /** The 1-minute load average at the start and at the end of the run. */
  loadAverage: { start: number; end: number | null };
}

export async function describeMachine(redisVersion: string): Promise<Machine> {
  const autocannon = (await import('autocannon/package.json', { with: { type: 'json' } })).default;
  return {
    processors: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: redisVersion,
    wrk: null,
    autocannon: (autocannon as { version: string }).version,
    loadAverage: { start: roundLoad(loadavg()[0] ?? 0), end: null },
  };
}

export function wrkVersion(): string {
  const output = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return /wrk (\S+)/.exec(`${output.stdout}${output.stderr}`)?.[1] ?? 'unknown';
}

export function currentLoad(): number {
  return roundLoad(loadavg()[0] ?? 0);
}

function roundLoad(value: number): number {
  return Math.round(value * 100) / 100;
}
