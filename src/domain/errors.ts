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
 * An error whose message is written for the person who typed the input. `example` is a
 * form that works, shown under the message.
 */
export class DrumbeatError extends Error {
  override readonly name = 'DrumbeatError';

  constructor(
    readonly code: DrumbeatErrorCode,
    message: string,
    readonly example: string | null = null,
  ) {
    super(message);
  }
}
