import type { Logger } from 'pino';
import type { DigestNotifier } from '../scheduler/notifier.js';
import type { DigestDeliveries } from './delivery-store.js';
import type { DigestView } from './view.js';

// Another worker may hold the posting lock this long before this one tries again.
const POSTING_LOCK_MS = 60_000;

export type PublishResult = 'posted' | 'posted_before';

/** Thrown when another worker is posting the same digest right now; the job retries later. */
export class DigestBusyError extends Error {
  override readonly name = 'DigestBusyError';
}

/** Posts each channel's digest for a period once, through the channel's notifier. */
export class DigestPublisher {
  constructor(
    private readonly deliveries: DigestDeliveries,
    private readonly logger: Logger,
  ) {}

  /**
   * Posts the digest unless it was posted before. `owner` names the job, so that a rerun of the
   * same job takes over its own lock. The picture is rendered only when it is needed.
   */
  async publish(
    notifier: DigestNotifier,
    view: DigestView,
    renderPng: () => Buffer,
    owner: string,
  ): Promise<PublishResult> {
    const { deliveries } = this;
    const { teamId, key, channelId } = view;
    if ((await deliveries.posted(teamId, key)) !== null) return 'posted_before';
    if (!(await deliveries.lock(teamId, key, owner, POSTING_LOCK_MS))) {
      throw new DigestBusyError(`digest ${key} is being posted by another worker`);
    }
    try {
      // Checked again under the lock: a worker that held it may have just finished.
      if ((await deliveries.posted(teamId, key)) !== null) return 'posted_before';
      const mayExist = await deliveries.markAttempt(teamId, key);
      const ref = await notifier.postDigest(channelId, view, renderPng(), { mayExist });
      await deliveries.markPosted(teamId, key, ref);
      this.logger.info({ teamId, channelId, digestKey: key, mayExist }, 'digest posted');
      return 'posted';
    } finally {
      await deliveries.unlock(teamId, key);
    }
  }
}
