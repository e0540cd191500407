#!/usr/bin/env node
// Runs the `drumbeat` command line from the TypeScript sources through tsx, installing the
// locked dependencies first when a fresh clone has none.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsx;
try {
  tsx = await import('tsx/esm/api');
} catch {
  const install = spawnSync(process.execPath, [join(root, 'scripts/ensure-deps.mjs')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (install.status !== 0) process.exit(install.status ?? 1);
  tsx = await import('tsx/esm/api');
}
tsx.register();
await import('../src/cli/main.ts');
