#!/usr/bin/env node
// Runs the `drumbeat` command line from the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
