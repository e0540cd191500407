import type { Logger } from 'pino';
import type { DigestView } from '../digest/view.js';
import type { Platform } from '../domain/types.js';
import type { DigestNotifier, MessageRef } from '../scheduler/notifier.js';
import type { AlertView } from './views.js';

/**
 * Writes alerts to the log as structured lines. Serves the command-line front end, and any
 * platform whose credentials are not configured, so alerts are never silently dropped.
 */
export class LogNotifier implements DigestNotifier {
  private sequence = 0;

  constructor(
    private readonly logger: Logger,
    readonly platform: Platform = 'cli',
  ) {}

  private fields(view: AlertView) {
    return {
      alert: {
        monitorId: view.monitorId,
        incidentId: view.incidentId,
        kind: view.kind,
        status: view.status,
        fields: Object.fromEntries(view.fields.map((field) => [field.label, field.value])),
        notes: view.notes,
        output: view.output,
      },
    };
  }

  async postAlert(channelId: string, view: AlertView): Promise<MessageRef> {
    this.sequence += 1;
    const messageId = `log-${Date.now()}-${this.sequence}`;
    this.logger.warn({ ...this.fields(view), channelId, messageId }, `ALERT ${view.title}`);
    return { platform: this.platform, channelId, messageId };
  }

  async updateAlert(ref: MessageRef, view: AlertView): Promise<void> {
    this.logger.info(
      { ...this.fields(view), messageId: ref.messageId },
      `ALERT UPDATED ${view.title}`,
    );
  }

  // The log has no thread to look in, so a reply of an uncertain attempt is logged again.
  async postThreadReply(
    ref: MessageRef,
    text: string,
    output: string | null = null,
  ): Promise<void> {
    const fields = output ? { messageId: ref.messageId, output } : { messageId: ref.messageId };
    this.logger.info(fields, `ALERT FOLLOW-UP ${text}`);
  }

  async postDigest(channelId: string, view: DigestView, png: Buffer): Promise<MessageRef> {
    this.sequence += 1;
    const messageId = `log-${Date.now()}-${this.sequence}`;
    const digest = {
      key: view.key,
      headline: view.headline,
      comparison: view.comparison,
      allGood: view.allGood,
      monitors: view.monitors,
      others: view.others,
      changes: view.changes,
      image: { ...view.image, bytes: png.length },
    };
    this.logger.info({ digest, channelId, messageId }, `DIGEST ${view.title}`);
    return { platform: this.platform, channelId, messageId };
  }
}
