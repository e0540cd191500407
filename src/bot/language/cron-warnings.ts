import { type CronExpression, cronMatchesDay } from '../../domain/cron.js';
import { FIELD_RANGES } from '../../domain/cron-fields.js';
import { offsetTransitions, WALL_DAY_MS, WALL_MINUTE_MS } from '../../domain/local-time.js';
import { describeDays } from './cron-describe.js';
import type { Alternative } from './types.js';
import { clock, joinWords, MONTH_NAMES, ordinal, WEEKDAY_NAMES } from './words.js';

// Cron expressions that run differently from how they look, each explained in a sentence, and
// where it is clear, with the schedule that probably was meant.

/** A warning about a cron expression. */
export interface CronWarning {
  text: string;
  /** The reading that was probably meant, as a whole schedule such as `cron "0 9 * * *"`. */
  alternative: Alternative | null;
}

const NTH_WORDS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

function note(text: string): CronWarning {
  return { text, alternative: null };
}

function cronText(fields: readonly string[]): string {
  return `cron "${fields.join(' ')}"`;
}

function everyMinuteWarning(cron: CronExpression): CronWarning | null {
  if (cron.fields[0] !== '*' || cron.hours.length === 24) return null;
  const spans = [];
  let from = cron.hours[0]!;
  for (let i = 0; i < cron.hours.length; i++) {
    const hour = cron.hours[i]!;
    if (cron.hours[i + 1] !== hour + 1) {
      spans.push(`from ${clock(from, 0)} to ${clock(hour, 59)}`);
      from = cron.hours[i + 1]!;
    }
  }
  const [, ...rest] = cron.fields;
  const once =
    cron.hours.length === 1 ? `one run at ${clock(cron.hours[0]!, 0)}` : 'one run an hour';
  return {
    text: `"${cron.source}" runs every minute ${joinWords(spans)}, ${60 * cron.hours.length} times a day.`,
    alternative: { meaning: once, text: cronText(['0', ...rest]) },
  };
}

function eitherDayWarning(cron: CronExpression): CronWarning | null {
  const [minute, hour, , month] = cron.fields;
  if (cron.daysMustMatchBoth) return null;
  const weekday = [...cron.dayOfWeek.values][0] ?? 4;
  const days = [...cron.dayOfMonth.values].sort((a, b) => a - b);
  const isWeek = days.length === 7 && days[6]! - days[0]! === 6 && (days[0]! - 1) % 7 === 0;
  const nth = isWeek ? (days[0]! - 1) / 7 + 1 : 2;
  const meaning = `the ${NTH_WORDS[nth]} ${WEEKDAY_NAMES[weekday]} of the month`;
  return {
    text: `"${cron.source}" runs ${describeDays(cron)}: when neither day field starts with *, cron runs on days that match either one.`,
    alternative: { meaning, text: cronText([minute!, hour!, '*', month!, `${weekday}#${nth}`]) },
  };
}

function bothDaysWarning(cron: CronExpression): CronWarning | null {
  const [, , dayOfMonth, , dayOfWeek] = cron.fields;
  if (!cron.daysMustMatchBoth || dayOfMonth === '*' || dayOfWeek === '*') return null;
  return note(
    `"${cron.source}" runs only ${describeDays(cron)}: a day field that starts with * makes cron require both day fields to match.`,
  );
}

function unevenStepWarnings(cron: CronExpression): CronWarning[] {
  const warnings: CronWarning[] = [];
  for (const index of [0, 1, 2]) {
    const range = FIELD_RANGES[index]!;
    for (const item of cron.fields[index]!.split(',')) {
      const match = /^(\*|\d+)(?:-(\d+))?\/(\d+)$/.exec(item);
      if (!match) continue;
      const step = Number(match[3]);
      if (index === 2 && cron.fields[4] === '*') {
        warnings.push(
          note(
            `"${item}" in day-of-month restarts each month, so the day after the last run of a month can be the 1st.`,
          ),
        );
        continue;
      }
      if (index === 2) continue;
      const size = range.max - range.min + 1;
      if (match[1] === '*' && size % step !== 0) {
        const values = (index === 0 ? cron.minutes : cron.hours).filter((v) => v % step === 0);
        const unit = index === 0 ? 'minute' : 'hour';
        const wrapGap = size - values.at(-1)!;
        warnings.push({
          text: `"${item}" in the ${unit} field runs at ${unit}s ${joinWords(values.map(String))}, so the gap before ${index === 0 ? 'the next hour' : 'midnight'} is ${wrapGap} ${unit}s, not ${step}.`,
          alternative: { meaning: 'a steady period', text: `every ${step} ${unit}s` },
        });
      }
    }
  }
  return warnings;
}

function shortMonthWarning(cron: CronExpression): CronWarning | null {
  const days = [...cron.dayOfMonth.values];
  if (cron.fields[2] === '*' || cron.dayOfMonth.last || days.length === 0) return null;
  const first = Math.min(...days);
  if (first < 29) return null;
  const lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const skipped = [...cron.months].filter(
    (month) => lengths[month - 1]! < first || (month === 2 && first === 29),
  );
  if (skipped.length === 0) return null;
  const names = skipped.sort((a, b) => a - b).map((month) => MONTH_NAMES[month - 1]!);
  const leap = first === 29 && skipped.length === 1 ? ' except in leap years' : '';
  const [minute, hour, , month, dayOfWeek] = cron.fields;
  return {
    text: `${joinWords(names)} ${names.length === 1 ? 'has' : 'have'} no ${ordinal(first)}${leap}, so no run is expected then.`,
    alternative: {
      meaning: 'the last day of every month',
      text: cronText([minute, hour, 'L', month, dayOfWeek]),
    },
  };
}

function openStepWarnings(cron: CronExpression): CronWarning[] {
  const warnings: CronWarning[] = [];
  cron.fields.forEach((field, index) => {
    for (const item of field.split(',')) {
      const match = /^(\d+)\/(\d+)$/.exec(item);
      if (!match) continue;
      const range = FIELD_RANGES[index]!;
      warnings.push(
        note(
          `"${item}" reads as ${match[1]}-${range.max}/${match[2]}. Debian cron rejects this form; in a crontab write ${match[1]}-${range.max}/${match[2]}.`,
        ),
      );
    }
  });
  return warnings;
}

function formatDay(wallMs: number): string {
  const date = new Date(wallMs);
  return `${WEEKDAY_NAMES[date.getUTCDay()]!.slice(0, 3)} ${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]!.slice(0, 3)} ${date.getUTCFullYear()}`;
}

/** Finds the first scheduled wall time in [fromWall, toWall), or returns null. */
function firstScheduledWall(cron: CronExpression, fromWall: number, toWall: number): number | null {
  for (let wall = fromWall; wall < toWall; wall += WALL_MINUTE_MS) {
    const minuteOfDay = Math.floor((wall % WALL_DAY_MS) / WALL_MINUTE_MS);
    if (!cron.hours.includes(Math.floor(minuteOfDay / 60))) continue;
    if (!cron.minutes.includes(minuteOfDay % 60)) continue;
    if (cronMatchesDay(cron, Math.floor(wall / WALL_DAY_MS) * WALL_DAY_MS)) return wall;
  }
  return null;
}

/** Says how the next year's DST changes in `timezone` move or repeat runs of this schedule. */
function daylightSavingWarnings(cron: CronExpression, timezone: string, nowMs: number): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const change of offsetTransitions(timezone, nowMs, nowMs + 366 * WALL_DAY_MS)) {
    const forward = change.offsetAfterMs > change.offsetBeforeMs;
    const kind = forward ? 'gap' : 'overlap';
    if (seen.has(kind)) continue;
    const from = change.instant + Math.min(change.offsetBeforeMs, change.offsetAfterMs);
    const to = change.instant + Math.max(change.offsetBeforeMs, change.offsetAfterMs);
    const wall = firstScheduledWall(cron, from, to);
    if (wall === null) continue;
    seen.add(kind);
    const time = clock(new Date(wall).getUTCHours(), new Date(wall).getUTCMinutes());
    const day = formatDay(wall);
    if (forward && cron.realTime) {
      warnings.push(
        `On ${day}, clocks in ${timezone} go forward and ${time} does not exist; this schedule ticks in real time, so no run is expected at the skipped times.`,
      );
    } else if (forward) {
      warnings.push(
        `On ${day}, ${time} does not exist in ${timezone} (clocks go forward); that run is expected at ${clock(new Date(to).getUTCHours(), new Date(to).getUTCMinutes())}, the first minute after the change, as cron runs it.`,
      );
    } else if (cron.realTime) {
      warnings.push(
        `On ${day}, clocks in ${timezone} go back and ${time} happens twice; this schedule ticks in real time, so runs are expected in both passes.`,
      );
    } else {
      warnings.push(
        `On ${day}, ${time} happens twice in ${timezone} (clocks go back); the run is expected once, at the first ${time}.`,
      );
    }
  }
  return warnings;
}

/** Explains the parts of a cron expression that run differently from how they look. */
export function cronWarnings(cron: CronExpression, timezone: string, nowMs: number): CronWarning[] {
  const warnings = [
    everyMinuteWarning(cron),
    cron.fields[2] !== '*' && cron.fields[4] !== '*' ? eitherDayWarning(cron) : null,
    bothDaysWarning(cron),
    shortMonthWarning(cron),
  ].filter((warning) => warning !== null);
  return [
    ...warnings,
    ...unevenStepWarnings(cron),
    ...openStepWarnings(cron),
    ...daylightSavingWarnings(cron, timezone, nowMs).map(note),
  ];
}
