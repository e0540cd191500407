/** Stable codes for errors that reach a user. */
export type DrumbeatErrorCode =
  | 'schedule_invalid'
  | 'duration_invalid'
  | 'time_invalid'
  | 'timezone_invalid'
  | 'command_invalid'
  | 'name_invalid'
  | 'name_taken'
  | 'monitor_not_found'
  | 'limit_reached'
  | 'forbidden';

/**
 * An error whose message is written for the person who typed the input. `examples` are forms
 * that work, closest first, and replies show each on a line of its own.
 */
export class DrumbeatError extends Error {
  override readonly name = 'DrumbeatError';
  readonly examples: readonly string[];

  constructor(
    readonly code: DrumbeatErrorCode,
    message: string,
    examples: string | readonly string[] = [],
  ) {
    super(message);
    this.examples = typeof examples === 'string' ? [examples] : [...examples];
  }
}
