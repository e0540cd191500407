import { parseMonitorSpec, parseSchedule, parseUntil } from '../../../src/bot/language/index.js';
import { DrumbeatError } from '../../../src/domain/errors.js';
import { nextRuns } from '../../../src/domain/schedule.js';
import { type Expected, type PhraseCase, REFERENCE_NOW } from './phrase-table.js';

/** What Drumbeat read for one row, in the shape of the row's expectation. */
export interface Outcome {
  actual: Expected;
  warnings: string[];
  /** The texts of the other readings. */
  alternatives: string[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

function readRow(row: PhraseCase): Outcome {
  const ctx = { timezone: row.zone ?? 'UTC', now: Date.parse(row.now ?? REFERENCE_NOW) };
  if (row.kind === 'until') {
    const reading = parseUntil(row.text, ctx);
    const alternatives = reading.alternatives.map((alternative) => alternative.text);
    return { actual: { until: iso(reading.until) }, warnings: reading.warnings, alternatives };
  }
  const parsed = row.kind === 'spec' ? parseMonitorSpec(row.text, ctx) : null;
  const { schedule, warnings, ...reading } = parsed?.schedule ?? parseSchedule(row.text, ctx);
  const alternatives = (parsed ?? reading).alternatives.map((alternative) => alternative.text);
  const actual: Expected =
    schedule.kind === 'cron'
      ? { cron: schedule.expression, timezone: schedule.timezone }
      : { interval: schedule.periodSeconds };
  const count = row.expect.next?.length ?? 0;
  if (count > 0) actual.next = nextRuns(schedule, ctx.now, count).map(iso);
  if (parsed?.graceMs != null) actual.graceMs = parsed.graceMs;
  if (parsed?.maxRuntimeMs != null) actual.maxRuntimeMs = parsed.maxRuntimeMs;
  if (parsed?.channel != null) actual.channel = parsed.channel;
  return { actual, warnings, alternatives };
}

/** Reads a row; a rejection becomes the error code with its message and example. */
export function checkRow(row: PhraseCase): Outcome {
  try {
    return readRow(row);
  } catch (error) {
    if (!(error instanceof DrumbeatError)) throw error;
    const actual: Expected = { error: error.code };
    if (row.expect.quote !== undefined) actual.quote = error.message;
    // One example to a line, so that a row's text must be within one example.
    if (row.expect.example !== undefined) actual.example = error.examples.join('\n');
    return { actual, warnings: [], alternatives: [] };
  }
}

/** Lists how an outcome differs from its row; empty when it matches exactly. */
export function differences(row: PhraseCase, outcome: Outcome): string[] {
  const problems: string[] = [];
  const { quote, example, ...exact } = row.expect;
  const { quote: message, example: shownExample, ...actual } = outcome.actual;
  if (JSON.stringify(sortKeys(actual)) !== JSON.stringify(sortKeys(exact))) {
    problems.push(`read ${JSON.stringify(outcome.actual)}, expected ${JSON.stringify(row.expect)}`);
  }
  if (quote !== undefined && !(message ?? '').includes(quote))
    problems.push(`message "${message}" lacks "${quote}"`);
  if (example !== undefined && !(shownExample ?? '').includes(example)) {
    problems.push(`example "${shownExample}" lacks "${example}"`);
  }
  const wanted = row.warning ?? [];
  if (
    outcome.warnings.length !== wanted.length ||
    wanted.some((text, i) => !outcome.warnings[i]!.includes(text))
  ) {
    problems.push(
      `warnings ${JSON.stringify(outcome.warnings)}, expected ${JSON.stringify(wanted)}`,
    );
  }
  const alternatives = JSON.stringify(outcome.alternatives);
  const wantedAlternatives = JSON.stringify(row.alternative ?? []);
  if (alternatives !== wantedAlternatives) {
    problems.push(`other readings ${alternatives}, expected ${wantedAlternatives}`);
  }
  return problems;
}

function sortKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
