import { DrumbeatError } from '../../domain/errors.js';

/** Returns the zone's canonical IANA name, or throws `timezone_invalid`. */
export function assertTimezone(name: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new DrumbeatError(
      'timezone_invalid',
      `"${name}" is not an IANA time zone.`,
      'Europe/Berlin, America/New_York, UTC',
    );
  }
}
