// Posting a digest once per channel and period: two workers at the same time, a worker that runs
// the job again, and an upload whose response was lost after Slack had posted it.

import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../src/bot/slack/notifier.js';
import {
  createWebClient,
  slackClientOptions,
  toBoltLogger,
} from '../../src/bot/slack/web-client.js';
import { DigestDeliveries } from '../../src/digest/delivery-store.js';
import { DigestKeys } from '../../src/digest/keys.js';
import { DigestBusyError, DigestPublisher } from '../../src/digest/publisher.js';
import type { DigestView } from '../../src/digest/view.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../support/redis.js';
import { SlackApiStandIn } from '../support/slack-api.js';

const logger = pino({ level: 'silent' });
const prefix = uniquePrefix('digest-publisher');
const redis = connectTestRedis();
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let slack: SlackApiStandIn;
let notifier: SlackNotifier;
let publisher: DigestPublisher;
let channel = 0;

function view(channelId: string): DigestView {
  return {
    teamId: 'slack:T0OWNER01',
    channelId,
    key: `${channelId}:weekly:2025-03-10`,
    title: 'Weekly digest: Mon 10 Mar – Sun 16 Mar 2025',
    headline: '1 monitor, 7 expected runs, 100% on time, 0 incidents.',
    comparison: null,
    allGood: 'All good: all 7 expected runs of 1 monitor came on time.',
    monitors: [],
    others: null,
    changes: [],
    footer: 'Times in Europe/Berlin.',
    image: {
      fileName: 'drumbeat-digest-weekly-2025-03-10.png',
      title: 'Drumbeat digest, Mon 10 Mar – Sun 16 Mar 2025',
      altText: 'Health of 1 monitor by day',
    },
  };
}

beforeAll(async () => {
  slack = await SlackApiStandIn.start();
  const client = createWebClient(
    slack.identity.token,
    slackClientOptions(slack.apiUrl, toBoltLogger(logger)),
  );
  notifier = new SlackNotifier(client, logger);
  publisher = new DigestPublisher(new DigestDeliveries(redis, new DigestKeys(prefix)), logger);
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
  await slack?.close();
});

let channelId: string;
beforeEach(() => {
  channel += 1;
  channelId = `C0DIGEST${channel}`;
});

describe('digest publisher', () => {
  it('posts the digest with its picture', async () => {
    const result = await publisher.publish(notifier, view(channelId), () => PNG, 'job-1');
    expect(result).toBe('posted');
    const files = slack.filesIn(channelId);
    expect(files).toHaveLength(1);
    expect(files[0]?.data?.equals(PNG)).toBe(true);
    expect(files[0]?.altText).toBe('Health of 1 monitor by day');
    const blocks = JSON.stringify(slack.messagesIn(channelId)[0]?.blocks);
    expect(blocks).toContain('Weekly digest: Mon 10 Mar – Sun 16 Mar 2025');
    expect(blocks).toContain('All good: all 7 expected runs of 1 monitor came on time.');
  });

  it('posts once when the job runs again', async () => {
    await publisher.publish(notifier, view(channelId), () => PNG, 'job-1');
    const again = await publisher.publish(notifier, view(channelId), () => PNG, 'job-1');
    expect(again).toBe('posted_before');
    expect(slack.filesIn(channelId)).toHaveLength(1);
  });

  it('posts once when two workers run it at once', async () => {
    const results = await Promise.allSettled([
      publisher.publish(notifier, view(channelId), () => PNG, 'job-1'),
      publisher.publish(notifier, view(channelId), () => PNG, 'job-2'),
    ]);
    const posted = results.filter((r) => r.status === 'fulfilled' && r.value === 'posted');
    expect(posted).toHaveLength(1);
    const other = results.find((r) => !(r.status === 'fulfilled' && r.value === 'posted'));
    if (other?.status === 'rejected') expect(other.reason).toBeInstanceOf(DigestBusyError);
    else expect(other?.value).toBe('posted_before');
    expect(slack.filesIn(channelId)).toHaveLength(1);
  });

  it('finds the digest that a lost answer posted, instead of posting it again', async () => {
    slack.failNext('files.completeUploadExternal', { kind: 'drop_response' });
    await expect(
      publisher.publish(notifier, view(channelId), () => PNG, 'job-1'),
    ).rejects.toThrow();
    expect(slack.filesIn(channelId)).toHaveLength(1);

    const retry = await publisher.publish(notifier, view(channelId), () => PNG, 'job-1');
    expect(retry).toBe('posted');
    expect(slack.filesIn(channelId)).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    const again = await publisher.publish(notifier, view(channelId), () => PNG, 'job-1');
    expect(again).toBe('posted_before');
  });
});
