import { DrumbeatError } from '../../domain/errors.js';
import { parseDuration } from './duration.js';
import type { LanguageContext, ParsedUntil } from './types.js';

export const MAX_SILENCE_MS = 90 * 86_400_000;

/** Parses the end of a silence: `for <duration>` or `until <ISO-8601 time>`. */
export function parseUntil(text: string, ctx: LanguageContext): ParsedUntil {
  const source = text.trim();
  const forMatch = /^for\s+(.+)$/i.exec(source);
  let until: number;
  if (forMatch) {
    until = ctx.now + parseDuration(forMatch[1]!);
  } else {
    const untilMatch = /^until\s+(.+)$/i.exec(source);
    until = untilMatch ? Date.parse(untilMatch[1]!) : Number.NaN;
    if (Number.isNaN(until)) {
      throw new DrumbeatError(
        'time_invalid',
        `"${source}" is not a time I understand.`,
        'for 2 hours, or until 2027-01-04T08:00Z',
      );
    }
  }
  if (until <= ctx.now) {
    throw new DrumbeatError('time_invalid', `"${source}" is in the past.`, 'for 2 hours');
  }
  if (until - ctx.now > MAX_SILENCE_MS) {
    throw new DrumbeatError(
      'time_invalid',
      `A silence can last at most 90 days, and "${source}" is longer.`,
      'for 7 days',
    );
  }
  return { until, description: new Date(until).toISOString(), warnings: [] };
}
