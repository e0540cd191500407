import { duplicateTexts, rejectWithExamples } from './parts.js';
import type { Cursor } from './tokens.js';

// Finds phrases that join two schedules with `and` (or a comma), such as `every day at 2am and
// every monday at 3pm`. Cron runs every listed time on every listed day, so reading both halves
// into one expression would silently add or drop runs. Such a phrase is rejected instead.

/** The kind of a clause: days (weekdays, days of the month, a day-long period), a time, other. */
export type ClauseKind = 'days' | 'time' | 'other';

export class ScheduleJoin {
  private timeRead = false;
  private firstHasDays = false;
  private joinIndex: number | null = null;
  private secondHasDays = false;
  private secondHasTime = false;

  constructor(private readonly cursor: Cursor) {}

  /** Notes an `and` between two clauses; the first one after a time may start a second schedule. */
  noteAnd(index: number): void {
    if (this.timeRead && this.joinIndex === null) this.joinIndex = index;
  }

  /**
   * Notes a clause that was read. Throws when the text after the `and` names its own days and
   * a time, or days while the first half had days too.
   */
  noteClause(kind: ClauseKind): void {
    if (this.joinIndex === null) {
      if (kind === 'time') this.timeRead = true;
      if (kind === 'days') this.firstHasDays = true;
      return;
    }
    if (kind === 'days') this.secondHasDays = true;
    if (kind === 'time') this.secondHasTime = true;
    if (this.secondHasDays && (this.secondHasTime || this.firstHasDays)) this.reject();
  }

  /**
   * Turns a part given twice on both sides of the `and` (`weekdays at 9 and weekends at 11`)
   * into the two-schedule error. The same text twice (`every day … and every day …`) keeps the
   * error that names the repeated part.
   */
  explain(error: unknown): unknown {
    const texts = duplicateTexts(error);
    if (this.joinIndex === null || texts === null) return error;
    if (texts.first.toLowerCase() === texts.second.toLowerCase()) return error;
    try {
      this.reject();
    } catch (joined) {
      return joined;
    }
  }

  private reject(): never {
    const join = this.cursor.tokens[this.joinIndex!]!;
    const first = this.cursor.source.slice(0, join.start).trim();
    const second = this.cursor.rest(this.joinIndex! + 1);
    rejectWithExamples(
      `"${this.cursor.rest(0)}" reads as two schedules, "${first}" and "${second}", and one cron expression cannot hold both: cron runs every listed time on every listed day. Create two monitors, one for each.`,
      [first, second, 'every day at 2am'],
    );
  }
}
