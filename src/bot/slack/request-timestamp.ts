import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Slack's recommended window for `X-Slack-Request-Timestamp`, in seconds either way. */
export const MAX_TIMESTAMP_SKEW_SECONDS = 300;

/**
 * Rejects with 401 a request whose signature timestamp is more than five minutes from
 * `now`, in the past or in the future, before Bolt verifies the signature. Bolt 5 checks
 * only the past side, against its own clock. A missing or non-numeric timestamp is left to
 * Bolt, which rejects it too.
 */
export function rejectStaleTimestamps(now: () => number, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-slack-request-timestamp'];
    const requestTimestampSec = typeof header === 'string' ? Number(header) : Number.NaN;
    if (!Number.isFinite(requestTimestampSec)) {
      next();
      return;
    }

    const skewSec = Math.abs(Math.floor(now() / 1000) - requestTimestampSec);
    if (skewSec > MAX_TIMESTAMP_SKEW_SECONDS) {
      logger.warn(
        { requestTimestampSec, skewSec },
        'Rejected a Slack request whose timestamp is outside the five-minute window',
      );
      res.status(401).send();
      return;
    }
    next();
  };
}
