// Finds the phrase the user probably meant when one word is misspelt ("evry day at 2am").

const VOCABULARY = [
  'every',
  'each',
  'other',
  'at',
  'on',
  'the',
  'of',
  'and',
  'from',
  'to',
  'between',
  'starting',
  'except',
  'second',
  'seconds',
  'minute',
  'minutes',
  'hour',
  'hours',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'hourly',
  'daily',
  'nightly',
  'weekly',
  'monthly',
  'yearly',
  'weekday',
  'weekdays',
  'weekend',
  'weekends',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'mondays',
  'tuesdays',
  'wednesdays',
  'thursdays',
  'fridays',
  'saturdays',
  'sundays',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'noon',
  'midnight',
  'once',
  'twice',
  'times',
  'first',
  'third',
  'fourth',
  'fifth',
  'last',
  'past',
  'half',
  'quarter',
  'cron',
  'time',
  'until',
  'for',
  'tomorrow',
  'today',
  'tonight',
  'next',
];

/** Damerau-Levenshtein distance (optimal string alignment), for short words. */
export function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Returns the vocabulary word closest to `word`, when it is close enough to be a typo. */
export function closestWord(word: string): string | null {
  return closestOf(word, VOCABULARY);
}

/** Returns the word of `candidates` closest to `word`, when it is close enough to be a typo. */
export function closestOf(word: string, candidates: readonly string[]): string | null {
  if (!/^[a-z]{3,}$/.test(word) || candidates.includes(word)) return null;
  const allowed = word.length > 5 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    // Of two words as close, the one with the same last letter wins: "minuts" is "minutes".
    const sameEnd = candidate.at(-1) === word.at(-1) && best?.at(-1) !== word.at(-1);
    if (d < bestDistance || (d === bestDistance && sameEnd)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Returns `source` with its misspelt words replaced, when the result passes `works`; null when
 * no word looks misspelt or the corrected text still fails.
 */
export function suggestCorrection(
  source: string,
  words: readonly { text: string; start: number; end: number }[],
  works: (text: string) => boolean,
): string | null {
  let corrected = '';
  let cursor = 0;
  let changed = false;
  for (const word of words) {
    const replacement = closestWord(word.text);
    if (replacement === null) continue;
    corrected += source.slice(cursor, word.start) + replacement;
    cursor = word.end;
    changed = true;
  }
  if (!changed) return null;
  corrected += source.slice(cursor);
  return works(corrected) ? corrected : null;
}
