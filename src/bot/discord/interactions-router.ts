// POST /discord/interactions: checks the signature on the raw body before anything else,
// then hands the interaction to the handler for its type.

import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { BackgroundTasks } from '../timing.js';
import { type Interaction, parseInteraction } from './interaction.js';
import type { InteractionAnswer } from './interaction-answer.js';
import type { SignatureCheck, SignatureChecker } from './signature.js';

/** The Interactions Endpoint URL to set in the Developer Portal, after the service's base URL. */
export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

/** Interactions are a few kilobytes, so this leaves room for large resolved data. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Rejected requests are logged at most once in this many ms, with how many there were. */
const REJECTION_LOG_INTERVAL_MS = 60_000;

export interface InteractionsRouterDeps {
  checkSignature: SignatureChecker;
  /** Builds the response to an interaction, or null for a type Drumbeat does not handle. */
  answer: (interaction: Interaction) => Promise<InteractionAnswer | null>;
  tasks: BackgroundTasks;
  logger: Logger;
  now: () => number;
}

export function createInteractionsRouter(deps: InteractionsRouterDeps): Router {
  const router = Router();
  const rejections = new RejectionLog(deps.logger, deps.now);
  router.post(
    DISCORD_INTERACTIONS_PATH,
    express.raw({ type: () => true, limit: MAX_BODY_BYTES }),
    async (req: Request, res: Response) => {
      const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = deps.checkSignature(
        {
          signatureHex: req.get('x-signature-ed25519'),
          timestamp: req.get('x-signature-timestamp'),
          rawBody,
        },
        deps.now(),
      );
      if (!check.ok) {
        rejections.record(check);
        res.status(401).json({ message: 'invalid request signature' });
        return;
      }

      const interaction = parseInteraction(rawBody);
      const answer = interaction === null ? null : await deps.answer(interaction);
      if (answer === null) {
        deps.logger.warn(
          { type: interaction?.type ?? null },
          'Rejected a Discord interaction Drumbeat cannot read',
        );
        res.status(400).json({ message: 'unsupported interaction' });
        return;
      }

      const { afterResponse } = answer;
      if (afterResponse !== undefined) res.once('finish', () => deps.tasks.track(afterResponse()));
      res.status(200).json(answer.body);
    },
  );
  return router;
}

/** Logs rejected requests without letting a flood of them flood the log. */
class RejectionLog {
  private suppressed = 0;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  record(check: Exclude<SignatureCheck, { ok: true }>): void {
    const now = this.now();
    if (now - this.lastLoggedAt < REJECTION_LOG_INTERVAL_MS) {
      this.suppressed += 1;
      return;
    }
    this.logger.warn(
      { reason: check.reason, suppressedSinceLast: this.suppressed },
      'Rejected a Discord interaction request with a missing, invalid or stale signature',
    );
    this.suppressed = 0;
    this.lastLoggedAt = now;
  }
}
