// The HTTP response to an interaction, and the deferral that buys time for slow work.
// Discord shows "The application did not respond" when no response arrives within 3 seconds.

import type { APIInteractionResponse } from 'discord.js';
import { settleWithin, TIMED_OUT } from '../timing.js';

export interface InteractionAnswer {
  body: APIInteractionResponse;
  /**
   * Runs once the response is sent: the edit that completes a deferral. It must not start
   * earlier, because Discord refuses an edit of a response it has not received yet.
   */
  afterResponse?: () => Promise<void>;
}

export interface DeferralPlan<T> {
  /** The response when the work finished in time. */
  answer(result: T): APIInteractionResponse;
  /** The deferral sent when it did not. */
  deferred: APIInteractionResponse;
  /** Delivers the result later, through the interaction webhook. Must not reject. */
  later(result: T): Promise<void>;
}

/**
 * Waits up to `budgetMs` for `work`, which must not reject. Responds with its result when it
 * is ready in time. Otherwise it defers, and delivers the result after the response is sent.
 */
export async function answerOrDefer<T>(
  work: Promise<T>,
  budgetMs: number,
  plan: DeferralPlan<T>,
): Promise<InteractionAnswer> {
  const result = await settleWithin(work, budgetMs);
  if (result !== TIMED_OUT) return { body: plan.answer(result) };
  return { body: plan.deferred, afterResponse: async () => plan.later(await work) };
}
