import { DrumbeatError } from '../../domain/errors.js';

// Errors quote what the user typed, so that they can see which part failed. A pasted page must
// not come back whole, so quoted text is cut to MAX_ECHO_CHARS.

export const MAX_ECHO_CHARS = 80;
// Examples are forms to copy, and a cut one would not run, so an example that grew longer than
// this from very long input is left out.
const MAX_EXAMPLE_CHARS = 160;

/** Cuts `text` to `max` characters, ending with an ellipsis when it was longer. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Cuts each text between double quotes in `message` that is longer than MAX_ECHO_CHARS. */
export function clipQuotes(message: string): string {
  return message.replace(/"([^"]*)"/g, (whole, inner: string) =>
    inner.length > MAX_ECHO_CHARS ? `"${clip(inner)}"` : whole,
  );
}

/**
 * Runs `parse`, rethrowing a DrumbeatError with its quotes cut to size and without the examples
 * that are too long to show.
 */
export function withClippedErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof DrumbeatError)) throw error;
    const message = clipQuotes(error.message);
    const examples = error.examples.filter((example) => example.length <= MAX_EXAMPLE_CHARS);
    if (message === error.message && examples.length === error.examples.length) throw error;
    throw new DrumbeatError(error.code, message, examples);
  }
}
