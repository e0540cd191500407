// The load generators: autocannon (from npm, runs anywhere) and wrk (where installed). Both
// send GET requests over keep-alive connections, each to the next path of a list, so that
// concurrent requests name different monitors, and both report latency with microsecond
// resolution.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export type LoadTool = 'autocannon' | 'wrk';

export interface LoadOptions {
  tool: LoadTool;
  port: number;
  /** Request paths, sent in turn; the run starts at a random place in the list. */
  paths: readonly string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Responses with any other status. */
  notOk: number;
  /** Connection errors and timeouts. */
  errors: number;
}

export function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return options.tool === 'wrk' ? runWrk(options) : runAutocannon(options);
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const { paths } = options;
  let next = Math.floor(Math.random() * paths.length);
  const latenciesMs: number[] = [];
  const cannonOptions: autocannon.Options = {
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          request.path = paths[next]!;
          next = (next + 1) % paths.length;
          return request;
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(cannonOptions, (error, finished) => {
      if (error) reject(error);
      else resolve(finished);
    });
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
    });
  });
  latenciesMs.sort((a, b) => a - b);
  const ok = result['2xx'];
  const notOk = result.non2xx;
  return {
    requestsPerSecond: (ok + notOk) / result.duration,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    ok,
    notOk,
    errors: result.errors + result.timeouts,
  };
}

const WRK_THREADS = 2;

// Each wrk thread starts at its own place in the path list and takes the next path for each
// request. `done` prints one line of results in microseconds for the parser below.
const WRK_SCRIPT = `
local paths = {}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  index = math.floor(#paths * id / tonumber(args[2]))
end
function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
`;

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'drumbeat-bench-wrk-'));
  try {
    const scriptPath = join(dir, 'paths.lua');
    const pathsFile = join(dir, 'paths.txt');
    writeFileSync(scriptPath, WRK_SCRIPT);
    writeFileSync(pathsFile, `${options.paths.join('\n')}\n`);
    const args = [
      ...['-t', String(WRK_THREADS), '-c', String(options.connections)],
      ...['-d', `${Math.max(1, Math.round(options.durationSeconds))}s`, '-s', scriptPath],
      ...[`http://127.0.0.1:${options.port}`, '--', pathsFile, String(WRK_THREADS)],
    ];
    const output = await capture('wrk', args);
    const match = /^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(output);
    if (!match) throw new Error(`wrk printed no result:\n${output}`);
    const [requests, durationUs, p50Us, p99Us, statusErrors, socketErrors] = match
      .slice(1)
      .map(Number) as [number, number, number, number, number, number];
    return {
      requestsPerSecond: requests / (durationUs / 1e6),
      p50Ms: p50Us / 1000,
      p99Ms: p99Us / 1000,
      ok: requests - statusErrors,
      notOk: statusErrors,
      errors: socketErrors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited with ${code}:\n${output}`));
    });
  });
}
