// Computes the DST table in a fresh process, so that the host's TZ is the one set at start, and
// prints the runs as JSON. Used by cron-host-tz.test.ts.
import { nextCronRuns } from '../../src/domain/cron.js';
import { DST_CASES } from './cron-dst-cases.js';

const runs = DST_CASES.map((row) =>
  nextCronRuns(row.expression, row.timezone, Date.parse(row.from), row.runs.length).map((run) =>
    new Date(run).toISOString().replace('.000', ''),
  ),
);
process.stdout.write(
  JSON.stringify({ hostZone: Intl.DateTimeFormat().resolvedOptions().timeZone, runs }),
);
