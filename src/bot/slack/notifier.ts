// Posts and edits alert messages through the Slack Web API.

import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { DigestView } from '../../digest/view.js';
import {
  DeliveryError,
  type DigestNotifier,
  type DigestPostOptions,
  type MessageRef,
  type Notifier,
  type PostOptions,
  type ReplyOptions,
} from '../../scheduler/notifier.js';
import type { AlertView } from '../views.js';
import { renderAlertMessage } from './alert-blocks.js';
import { mayHaveReachedSlack, toDeliveryError } from './delivery-errors.js';
import { renderDigestBlocks } from './digest-blocks.js';
import { MessageClient, type MessageMethod, type MessageResponse } from './message-client.js';
import { codeBlock, escapeAndTruncate, SLACK_LIMITS } from './mrkdwn.js';
import { REQUEST_TIMEOUT_MS } from './web-client.js';

// The part of a thread reply that its text may take when output follows it.
const THREAD_TEXT_CHARS = 300;

/** `event_type` of the message metadata attached to every alert. */
export const ALERT_METADATA_TYPE = 'drumbeat_alert';

/** `event_type` of the message metadata attached to every thread reply. */
export const REPLY_METADATA_TYPE = 'drumbeat_reply';

/** Replies per page, and at most how many pages, of the lookup of a thread reply. */
const REPLY_LOOKUP_PAGE = 200;
const REPLY_LOOKUP_PAGES = 5;

/** Maximum number of uncertain posts remembered. The oldest is forgotten first. */
const MAX_UNCERTAIN_POSTS = 1000;

/** How far back in a channel's history a digest from an uncertain attempt is looked for. */
const HISTORY_LOOKUP_LIMIT = 100;

/** Messages per page, and at most how many pages, of the lookup of an alert. */
const ALERT_LOOKUP_PAGE = 200;
const ALERT_LOOKUP_PAGES = 10;

/**
 * How much earlier than the incident's opening, by Drumbeat's clock, the lookup of an alert
 * starts, for a Slack clock that is behind.
 */
const ALERT_LOOKUP_CLOCK_MARGIN_MS = 5 * 60_000;

interface AlertMetadata {
  event_type: string;
  event_payload: { monitor_id: string; incident_id: string };
}

/**
 * Notifier for Slack. Each call is made once, failures throw DeliveryError, and the
 * notification queue decides about retries.
 *
 * Every alert carries message metadata with its incident id. When a post failed in a way
 * where Slack may have posted it anyway (a lost response, a timeout, a 5xx), the next post of
 * the same incident first looks for that message in the channel and edits it, so that the
 * retry does not post the alert twice. The lookup needs the `channels:history` and
 * `groups:history` scopes. Without them, the retry posts as usual.
 */
export class SlackNotifier implements Notifier, DigestNotifier {
  readonly platform = 'slack' as const;

  /** Incidents, as `channel:incident`, whose last post attempt may have reached Slack. */
  private readonly uncertainPosts = new Set<string>();

  /** Alerts are posted and edited through this lean client, with the WebClient's URL and token. */
  private readonly messages: MessageClient | null;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
  ) {
    this.messages =
      client.token === undefined
        ? null
        : new MessageClient({
            apiUrl: client.slackApiUrl,
            token: client.token,
            timeoutMs: REQUEST_TIMEOUT_MS,
          });
  }

  /** Sends a chat.postMessage or chat.update of an alert, once. */
  private message(method: MessageMethod, args: Record<string, unknown>): Promise<MessageResponse> {
    if (this.messages !== null) return this.messages.call(method, args);
    return this.call(method, () => this.client.apiCall(method, args) as Promise<MessageResponse>);
  }

  /** Closes the keep-alive connections of alert delivery. */
  close(): void {
    this.messages?.close();
  }

  async postAlert(
    channelId: string,
    view: AlertView,
    options: PostOptions = {},
  ): Promise<MessageRef> {
    const key = `${channelId}:${view.incidentId}`;
    if (this.uncertainPosts.has(key) || options.mayExist === true) {
      const found = await this.findPostedAlert(channelId, view.incidentId, options.openedAt);
      if (found !== null) {
        await this.updateAlert(found, view);
        this.uncertainPosts.delete(key);
        this.logger.info(
          { channelId, incidentId: view.incidentId, messageId: found.messageId },
          'Found the alert of an earlier uncertain attempt; edited it instead of posting again',
        );
        return found;
      }
    }

    try {
      const ref = await this.sendAlert(channelId, view);
      this.uncertainPosts.delete(key);
      return ref;
    } catch (error) {
      if (error instanceof DeliveryError && mayHaveReachedSlack(error)) this.rememberUncertain(key);
      throw error;
    }
  }

  async updateAlert(ref: MessageRef, view: AlertView): Promise<void> {
    const message = renderAlertMessage(view);
    await this.message('chat.update', {
      channel: ref.channelId,
      ts: ref.messageId,
      text: message.text,
      blocks: message.blocks,
      metadata: alertMetadata(view),
    });
  }

  /**
   * Replies in the alert's thread. A reply carries message metadata with its id, and when an
   * earlier attempt may have posted it, the thread is searched for it first.
   */
  async postThreadReply(
    ref: MessageRef,
    text: string,
    output: string | null = null,
    options?: ReplyOptions,
  ): Promise<void> {
    if (options?.mayExist === true && (await this.hasReply(ref, options.replyId))) {
      this.logger.info(
        { channelId: ref.channelId, replyId: options.replyId },
        'Found the thread reply of an earlier uncertain attempt; not posting it again',
      );
      return;
    }
    const line = escapeAndTruncate(text, output ? THREAD_TEXT_CHARS : SLACK_LIMITS.fallbackText);
    const code = output ? `\n${codeBlock(output, SLACK_LIMITS.sectionText)}` : '';
    await this.message('chat.postMessage', {
      channel: ref.channelId,
      thread_ts: ref.messageId,
      text: `${line}${code}`,
      ...(options === undefined
        ? {}
        : {
            metadata: {
              event_type: REPLY_METADATA_TYPE,
              event_payload: { reply_id: options.replyId },
            },
          }),
    });
  }

  /** Tells whether the thread of `ref` has the reply `replyId`, page by page. */
  private async hasReply(ref: MessageRef, replyId: string): Promise<boolean> {
    try {
      const ts = await findByMetadata(
        REPLY_LOOKUP_PAGES,
        (cursor) =>
          this.client.conversations.replies({
            channel: ref.channelId,
            ts: ref.messageId,
            limit: REPLY_LOOKUP_PAGE,
            include_all_metadata: true,
            ...(cursor === undefined ? {} : { cursor }),
          }),
        (metadata) => {
          const reply = metadata as ReplyMetadata | undefined;
          return (
            reply?.event_type === REPLY_METADATA_TYPE && reply.event_payload?.reply_id === replyId
          );
        },
      );
      return ts !== null;
    } catch (error) {
      // As for alerts: a lookup that may work later fails the delivery, and only one that cannot
      // work, such as one without the history scopes, leads to posting again.
      const failure = toDeliveryError(error, 'conversations.replies');
      if (!failure.permanent) throw failure;
      this.logger.warn(
        { err: error, channelId: ref.channelId, replyId, code: failure.code },
        'Could not read the thread to check for an earlier reply; posting it again',
      );
      return false;
    }
  }

  /**
   * Uploads the digest's picture with the digest as the file's message, through
   * files.getUploadURLExternal and files.completeUploadExternal (needs the `files:write` scope).
   * After an attempt that may have reached Slack, it first looks for the file in the channel.
   */
  async postDigest(
    channelId: string,
    view: DigestView,
    png: Buffer,
    options: DigestPostOptions = {},
  ): Promise<MessageRef> {
    if (options.mayExist === true) {
      const found = await this.findPostedFile(channelId, view.image.fileName);
      if (found !== null) return found;
    }
    const result = await this.call('files.uploadV2', () =>
      this.client.filesUploadV2({
        channel_id: channelId,
        file: png,
        filename: view.image.fileName,
        title: view.image.title,
        alt_text: view.image.altText,
        blocks: renderDigestBlocks(view),
      }),
    );
    const fileId = result.files[0]?.files?.[0]?.id ?? view.image.fileName;
    return { platform: 'slack', channelId, messageId: fileId };
  }

  /** Looks for a message with a file of this name among the latest. Returns null if none. */
  private async findPostedFile(channelId: string, fileName: string): Promise<MessageRef | null> {
    try {
      const history = await this.client.conversations.history({
        channel: channelId,
        limit: HISTORY_LOOKUP_LIMIT,
      });
      const match = (history.messages ?? []).find((message) =>
        (message.files ?? []).some((file) => file.name === fileName),
      );
      if (match?.ts === undefined) return null;
      return { platform: 'slack', channelId, messageId: match.ts };
    } catch (error) {
      this.logger.warn(
        { err: error, channelId, fileName },
        'Could not read the channel history to check for an earlier digest; posting it again',
      );
      return null;
    }
  }

  private async sendAlert(channelId: string, view: AlertView): Promise<MessageRef> {
    const message = renderAlertMessage(view);
    const result = await this.message('chat.postMessage', {
      channel: channelId,
      text: message.text,
      blocks: message.blocks,
      metadata: alertMetadata(view),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (result.ts === undefined) {
      throw toDeliveryError(new Error('the response contained no message ts'), 'chat.postMessage');
    }
    // For a user id Slack posts into the direct message channel and returns its id.
    return { platform: 'slack', channelId: result.channel ?? channelId, messageId: result.ts };
  }

  /**
   * Looks for the alert of an incident among the messages since it opened, page by page, or
   * without `openedAt` among the latest. Returns null if not found.
   */
  private async findPostedAlert(
    channelId: string,
    incidentId: string,
    openedAt: number | undefined,
  ): Promise<MessageRef | null> {
    // A burst of alerts into one channel can put hundreds of messages after the one looked for,
    // and the retries of a burst look for their posts in the order they made them.
    const oldest =
      openedAt === undefined
        ? undefined
        : String(Math.max(0, Math.floor((openedAt - ALERT_LOOKUP_CLOCK_MARGIN_MS) / 1000)));
    try {
      const ts = await findByMetadata(
        ALERT_LOOKUP_PAGES,
        (cursor) =>
          this.client.conversations.history({
            channel: channelId,
            limit: ALERT_LOOKUP_PAGE,
            include_all_metadata: true,
            ...(oldest === undefined ? {} : { oldest }),
            ...(cursor === undefined ? {} : { cursor }),
          }),
        (metadata) => {
          const alert = metadata as AlertMetadata | undefined;
          return (
            alert?.event_type === ALERT_METADATA_TYPE &&
            alert.event_payload.incident_id === incidentId
          );
        },
      );
      return ts === null ? null : { platform: 'slack', channelId, messageId: ts };
    } catch (error) {
      // A lookup that may work later (a 5xx, a 429, a lost connection) fails the delivery, so
      // that it retries instead of posting a second message. Only a lookup that cannot work,
      // such as one without the history scopes, leads to posting again.
      const failure = toDeliveryError(error, 'conversations.history');
      if (!failure.permanent) throw failure;
      this.logger.warn(
        { err: error, channelId, incidentId, code: failure.code },
        'Could not read the channel history to check for an earlier alert; posting it again',
      );
      return null;
    }
  }

  private rememberUncertain(key: string): void {
    this.uncertainPosts.add(key);
    if (this.uncertainPosts.size > MAX_UNCERTAIN_POSTS) {
      const oldest = this.uncertainPosts.values().next().value;
      if (oldest !== undefined) this.uncertainPosts.delete(oldest);
    }
  }

  private async call<T>(method: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toDeliveryError(error, method);
    }
  }
}

interface ReplyMetadata {
  event_type?: string;
  event_payload?: { reply_id?: unknown };
}

/** A page of messages, as conversations.history and conversations.replies return it. */
interface MessagePage {
  messages?: { ts?: string; metadata?: unknown }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

/**
 * Reads up to `maxPages` pages with `readPage`, each from the cursor of the page before, and
 * returns the ts of the first message whose metadata `matches` accepts, or null.
 */
async function findByMetadata(
  maxPages: number,
  readPage: (cursor: string | undefined) => Promise<MessagePage>,
  matches: (metadata: unknown) => boolean,
): Promise<string | null> {
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await readPage(cursor);
    const match = (result.messages ?? []).find((message) => matches(message.metadata));
    if (match?.ts !== undefined) return match.ts;
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || cursor === undefined) return null;
  }
  return null;
}

function alertMetadata(view: AlertView): AlertMetadata {
  return {
    event_type: ALERT_METADATA_TYPE,
    event_payload: { monitor_id: view.monitorId, incident_id: view.incidentId },
  };
}
