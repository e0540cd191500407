// Keeps one monitor's deliveries in the order its events happened, although each delivery is
// its own BullMQ job that retries on its own schedule while the chat API is failing.

import { Job, type MinimalQueue } from 'bullmq';
import type { ThreadNote } from '../domain/effects.js';
import type { Incident } from '../domain/types.js';
import type { DeliveryStore } from '../store/deliveries.js';
import type { MonitorStore } from '../store/monitors.js';

/**
 * Thrown by a delivery that has to wait for an earlier one of the same monitor. The worker
 * runs it again a second later without spending one of its attempts.
 */
export class DeliveryWaitError extends Error {
  override readonly name = 'DeliveryWaitError';
}

// Follow-ups that count up the incident's sequence; `recovered` and `ran_late` close it.
const FOLLOW_UP_KINDS: ThreadNote['kind'][] = ['missed_again', 'failed_again', 'hung'];
// Follow-ups more than this many sequence numbers back are not waited for.
const EARLIER_REPLY_WINDOW = 5;

export function threadReplyJobId(
  incidentId: string,
  sequence: number,
  kind: ThreadNote['kind'],
): string {
  return `thread-${incidentId}-${sequence}-${kind}`;
}

/**
 * Returns the job ids of the thread replies that come before this one, were they queued: the
 * follow-ups with a lower sequence, and for a closing note the follow-up of its own sequence.
 */
export function earlierReplyJobIds(
  incidentId: string,
  sequence: number,
  kind: ThreadNote['kind'],
): string[] {
  const closing = !FOLLOW_UP_KINDS.includes(kind);
  const last = closing ? sequence : sequence - 1;
  const ids: string[] = [];
  for (let earlier = Math.max(0, last - EARLIER_REPLY_WINDOW + 1); earlier <= last; earlier++) {
    for (const followUp of FOLLOW_UP_KINDS) {
      ids.push(threadReplyJobId(incidentId, earlier, followUp));
    }
  }
  return ids;
}

/** Returns whether any of the jobs exists and has not finished (it waits, retries or runs). */
export async function anyUnfinished(queue: MinimalQueue, jobIds: string[]): Promise<boolean> {
  for (const jobId of jobIds) {
    const job = await Job.fromId(queue, jobId);
    if (job !== undefined && job.finishedOn === undefined) return true;
  }
  return false;
}

/**
 * Returns whether the monitor's incident before `incident` still waits for its first message to go
 * out, so that the newer incident's message does not appear above it in the channel.
 */
export async function earlierPostPending(
  store: MonitorStore,
  deliveries: DeliveryStore,
  monitorId: string,
  incident: Incident,
): Promise<boolean> {
  const archived = await store.incidents(monitorId, 5);
  const previous = archived.find(
    (candidate) => candidate.id !== incident.id && candidate.openedAt < incident.openedAt,
  );
  if (!previous) return false;
  if ((await deliveries.postAttemptState(monitorId, previous.id)) !== 'attempted') return false;
  return (await deliveries.get(monitorId, previous.id)) === null;
}
