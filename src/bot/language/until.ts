import { DrumbeatError } from '../../domain/errors.js';
import { applyChange, keepParsing } from './alternatives.js';
import { checkDurationRange, type RangeRule, readDuration, withUnitsSpelt } from './duration.js';
import { withClippedErrors } from './echo.js';
import { formatLocalTime } from './format.js';
import { assertTimezone } from './timezone.js';
import { straightenQuotes } from './tokens.js';
import type { LanguageContext, ParsedUntil } from './types.js';
import { readTime, type TimeReading } from './until-time.js';

export const MAX_SILENCE_MS = 90 * 86_400_000;

const UNTIL_EXAMPLES = ['for 2 hours', 'until tomorrow 9am', 'until monday'];

// A silence given as a duration lasts at least a second. The 90-day limit is checked on its end.
const SILENCE_RULE: RangeRule = {
  range: { minMs: 1000, maxMs: Number.POSITIVE_INFINITY },
  subject: 'A silence must last',
  code: 'time_invalid',
  example: 'for 2 hours',
};

/** Reads `for <duration>`, a bare duration, or `until <time>`, without the 90-day check. */
function readEnd(source: string, now: number, timezone: string): TimeReading {
  const forMatch = /^for\s+(.+)$/i.exec(source);
  const untilMatch = /^(?:until|till|til|'til|untill|to)\s+(.+)$/i.exec(source);
  const bareDuration = forMatch === null && untilMatch === null ? readDuration(source) : null;
  if (forMatch !== null || bareDuration !== null) {
    const text = forMatch?.[1] ?? source;
    const ms = bareDuration ?? readDuration(text);
    if (ms === null) {
      const fixed = withUnitsSpelt(text);
      throw new DrumbeatError(
        'time_invalid',
        `"${text}" is not a duration Drumbeat understands.`,
        fixed === null ? ['for 2 hours', 'for 90m'] : [`for ${fixed}`],
      );
    }
    checkDurationRange(ms, text, SILENCE_RULE);
    return { instant: now + ms, warnings: [], changes: [] };
  }
  if (source === '') {
    throw new DrumbeatError('time_invalid', 'The end of the silence is missing.', UNTIL_EXAMPLES);
  }
  const bareWord = /^(for|until|till|til|'til|untill|to)$/i.exec(source);
  if (bareWord !== null) {
    const [, word] = bareWord;
    const needed = word!.toLowerCase() === 'for' ? 'a duration' : 'a time';
    throw new DrumbeatError('time_invalid', `"${word}" needs ${needed} after it.`, UNTIL_EXAMPLES);
  }
  return readTime(untilMatch?.[1] ?? source, now, timezone);
}

/**
 * Parses the end of a silence: `for 2 hours`, `for 90m`, `until 5pm`, `until tomorrow 9am`,
 * `until monday`, `until midnight tonight`, `until 2027-01-04 08:00`. Times are read in
 * `ctx.timezone` (or a zone the text names) and always forward from `ctx.now`. Throws
 * `time_invalid` for text it cannot read, a time in the past, or one more than 90 days ahead.
 * Errors quote the text cut to about 80 characters.
 */
export function parseUntil(text: string, ctx: LanguageContext): ParsedUntil {
  const source = straightenQuotes(text.trim().replace(/\s+/g, ' '));
  return withClippedErrors(() => {
    const reading = readUntil(source, ctx);
    const parses = (candidate: string) => {
      try {
        readUntil(candidate, ctx);
        return true;
      } catch {
        return false;
      }
    };
    return { ...reading, alternatives: keepParsing(reading.alternatives, parses) };
  });
}

/** Reads the end of a silence. Its alternatives are whole texts that have not been read yet. */
function readUntil(source: string, ctx: LanguageContext): ParsedUntil {
  const timezone = assertTimezone(ctx.timezone);
  const { instant: until, warnings, changes } = readEnd(source, ctx.now, timezone);
  const shown = formatLocalTime(until, timezone);
  if (until <= ctx.now) {
    throw new DrumbeatError(
      'time_invalid',
      `"${source}" is in the past: it reads as ${shown}.`,
      UNTIL_EXAMPLES,
    );
  }
  if (until - ctx.now > MAX_SILENCE_MS) {
    throw new DrumbeatError(
      'time_invalid',
      `A silence can last at most 90 days, and "${source}" ends on ${shown}.`,
      ['for 7 days', 'until monday'],
    );
  }
  const alternatives = changes.flatMap((change) => applyChange(source, change) ?? []);
  return { until, description: `${shown} (${timezone})`, warnings, alternatives };
}
