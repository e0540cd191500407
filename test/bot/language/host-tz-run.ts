// Runs the phrase table in a fresh process, so that the host's TZ is the one set at start, and
// prints the rows that differ as JSON. Used by host-tz.test.ts.
import { checkRow, differences } from './phrase-check.js';
import { PHRASE_TABLE } from './phrase-table.js';

const failures = PHRASE_TABLE.map((row) => ({
  text: row.text,
  zone: row.zone,
  problems: differences(row, checkRow(row)),
})).filter((result) => result.problems.length > 0);
process.stdout.write(
  JSON.stringify({
    rows: PHRASE_TABLE.length,
    hostZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    failures,
  }),
);
