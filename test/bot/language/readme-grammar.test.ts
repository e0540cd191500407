import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PHRASE_TABLE, type PhraseCase } from './phrase-table.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('<!-- grammar:start -->'),
  readme.indexOf('<!-- grammar:end -->'),
);

/** The examples of the README's grammar tables: the phrase and what the README says it reads as. */
const examples = section
  .split('\n')
  .map((line) => /^\| `(.*)` \| (.*) \|$/.exec(line))
  .filter((match) => match !== null)
  .map((match) => ({ phrase: match[1]!, shown: match[2]! }));

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Tells whether the README's words agree with the result in the phrase table. */
function agrees(row: PhraseCase, shown: string): boolean {
  const expected = row.expect;
  if (expected.error !== undefined) return shown.startsWith('rejected');
  if (expected.interval !== undefined) return shown.includes(`interval of ${expected.interval} s`);
  if (expected.until !== undefined) {
    const until = new Date(expected.until);
    const time = `${WEEKDAYS[until.getUTCDay()]} ${until.toISOString().slice(11, 16)}`;
    return (row.zone ?? 'UTC') === 'UTC' && shown.startsWith(`until ${time}`);
  }
  const zoneShown =
    expected.timezone === 'UTC'
      ? !/ in [A-Z][a-z]+\//.test(shown)
      : shown.includes(`in ${expected.timezone}`);
  const optionsShown =
    (expected.graceMs === undefined ||
      shown.includes(`grace ${expected.graceMs / 60_000} minutes`)) &&
    (expected.maxRuntimeMs === undefined ||
      shown.includes(`maximum run time ${expected.maxRuntimeMs / 3_600_000} hours`)) &&
    (expected.channel === undefined || shown.includes(`#${expected.channel}`));
  return (
    shown.startsWith(`cron \`${expected.cron}\``) &&
    zoneShown &&
    optionsShown &&
    (row.zone ?? 'UTC') === 'UTC'
  );
}

describe('README grammar section', () => {
  it('shows examples', () => {
    expect(examples.length).toBeGreaterThan(40);
  });

  it.each(examples)('lists "$phrase" in the phrase table with its result', ({ phrase, shown }) => {
    const rows = PHRASE_TABLE.filter((row) => row.text === phrase);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => agrees(row, shown))).toBe(true);
  });
});
