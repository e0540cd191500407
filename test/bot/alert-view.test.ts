// Alerts as the view builds them: their fields, thread notes and the output of a failed run. A
// body is stored as the job sent it, and may hold bytes that chat messages should not carry.

import { describe, expect, it } from 'vitest';
import { renderAlert, renderThreadNote, shownOutput } from '../../src/bot/alert-view.js';
import { renderAlertMessage as renderDiscordMessage } from '../../src/bot/discord/alert-message.js';
import { DISCORD_LIMITS } from '../../src/bot/discord/markdown.js';
import { renderAlertMessage as renderSlackMessage } from '../../src/bot/slack/alert-blocks.js';
import { SLACK_LIMITS } from '../../src/bot/slack/mrkdwn.js';
import type { AlertView } from '../../src/bot/views.js';
import { type MonitorEvent, transition } from '../../src/domain/machine.js';
import type { Incident, Monitor } from '../../src/domain/types.js';
import { monitorFixture, pingFixture } from '../support/monitors.js';

describe('shownOutput', () => {
  it('keeps text, newlines and tabs', () => {
    expect(shownOutput('Error: disk full\n\tat /var/backups ✗')).toBe(
      'Error: disk full\n\tat /var/backups ✗',
    );
  });

  it('replaces CRLF and control characters', () => {
    expect(shownOutput('a\r\nb\u0000c\u001b(red\u007f\rd')).toBe(
      'a\nb\ufffdc\ufffd(red\ufffd\ufffdd',
    );
  });

  it('leaves out terminal titles and link targets', () => {
    const title = '\u001b]0;backup: running\u0007Copying /var/db\n';
    const link =
      'see \u001b]8;;https://ci.example/42\u001b\\build 42\u001b]8;;\u001b\\ for details';
    expect(shownOutput(title + link)).toBe('Copying /var/db\nsee build 42 for details');
  });

  it('marks an escape with no end', () => {
    expect(shownOutput('\u001b]0;title with no end')).toBe('\ufffd]0;title with no end');
  });

  it('leaves out colour codes', () => {
    expect(shownOutput('\u001b[1;31mERROR\u001b[0m disk full\u001b[K')).toBe('ERROR disk full');
  });

  it('passes null through', () => {
    expect(shownOutput(null)).toBeNull();
  });

  it('hides binary output', () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 128) % 256));
    const decoded = bytes.toString('utf8');
    expect(shownOutput(decoded)).toBe('(binary output, not shown)');
  });

  it('shows long coloured text', () => {
    const coloured = '\u001b[31mERROR\u001b[0m backup of /var/db failed: disk full\n'.repeat(3);
    expect(shownOutput(coloured)).toBe('ERROR backup of /var/db failed: disk full\n'.repeat(3));
  });

  it('shows long text with stray controls', () => {
    const text = 'row 1\u0000 copied, disk at 91 %\n'.repeat(4);
    expect(shownOutput(text)).toBe('row 1\ufffd copied, disk at 91 %\n'.repeat(4));
  });
});

describe('renderAlert output', () => {
  it('replaces NUL bytes in failed output', () => {
    const body = 'PK\u0003\u0004binary\u0000zip';
    const ping = pingFixture('fail', { exitStatus: 3, body });
    const failed = transition(monitorFixture(), { type: 'ping', ping }, 1000).monitor;
    const incident = failed.incident!;
    expect(incident.bodyExcerpt).toBe(body);

    const view = renderAlert(failed, incident, { timezone: 'UTC', now: 2000 });

    expect(view.output).toBe('PK\ufffd\ufffdbinary\ufffdzip');
  });
});

describe('failed output in Slack and Discord', () => {
  const failedAt = Date.UTC(2026, 2, 3, 10, 0);

  /** Fails a fresh monitor with `body` and renders its alert. */
  function failedView(body: string, bodyBytesCut = 0) {
    const ping = pingFixture('fail', { exitStatus: 1, body, bodyBytesCut });
    const failed = transition(monitorFixture(), { type: 'ping', ping }, failedAt).monitor;
    return renderAlert(failed, failed.incident!, { timezone: 'UTC', now: failedAt });
  }

  function slackOutput(view: AlertView): string {
    const texts = renderSlackMessage(view).blocks.flatMap((block) =>
      block.type === 'section' && block.text !== undefined ? [block.text.text] : [],
    );
    return texts.find((text) => text.startsWith('```')) ?? '';
  }

  function discordDescription(view: AlertView): string {
    return renderDiscordMessage(view).embeds[0]?.description ?? '';
  }

  let lines = '';
  for (let n = 1; n <= 300; n++) lines += `line ${n}\n`;
  const body = `${lines}Error: disk full`;
  // The last 500 characters start inside "line 247\n", so the excerpt starts at line 248.
  const blockStart = '```\n… (2,115 earlier characters not shown)\nline 248\n';

  it('shows the output end in Slack', () => {
    const text = slackOutput(failedView(body));

    expect(text.startsWith(blockStart)).toBe(true);
    expect(text.endsWith('line 300\nError: disk full\n```')).toBe(true);
    expect(text).not.toContain('line 1\n');
  });

  it('shows the output end in Discord', () => {
    const description = discordDescription(failedView(body));

    expect(description).toContain(blockStart);
    expect(description.endsWith('line 300\nError: disk full\n```')).toBe(true);
    expect(description).not.toContain('line 1\n');
  });

  it('shows the storage mark in Slack and Discord', () => {
    const view = failedView(`${'x'.repeat(99_990)}Error: disk full`, 56_789);
    const start =
      '```\n… (99,506 earlier characters not shown, 56,789 earlier bytes not stored)\nxxx';
    const end = 'xxxError: disk full\n```';

    expect(slackOutput(view).startsWith(start)).toBe(true);
    expect(slackOutput(view).endsWith(end)).toBe(true);
    expect(discordDescription(view)).toContain(start);
    expect(discordDescription(view).endsWith(end)).toBe(true);
  });

  // `&` is the character that Slack's escaping makes longest, and each backtick after another
  // gets a zero-width space in both code blocks.
  it.each(['&', '`'])('fits the longest excerpt of %s whole', (char) => {
    const view = failedView(char.repeat(100_000), Number.MAX_SAFE_INTEGER);
    const acknowledged = { ...view, notes: ['Acknowledged by <@U1> at today, 10:05 UTC.'] };
    const mark =
      '… (99,500 earlier characters not shown, 9,007,199,254,740,991 earlier bytes not stored)';

    // A renderer that cut the block would end it with a note (Slack) or an ellipsis (Discord).
    const slack = slackOutput(acknowledged);
    expect(slack.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(slack.startsWith(`\`\`\`\n${mark}\n`)).toBe(true);
    expect(slack.endsWith('\n```')).toBe(true);
    const discord = discordDescription(acknowledged);
    expect(discord.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(discord).toContain(`\`\`\`\n${mark}\n`);
    expect(discord.endsWith('\n```')).toBe(true);
  });

  it('renders an older head excerpt', () => {
    const ping = pingFixture('fail', { exitStatus: 1 });
    const failed = transition(monitorFixture(), { type: 'ping', ping }, failedAt).monitor;
    const headExcerpt = `line 1\n${'x'.repeat(493)}`;
    const incident = { ...failed.incident!, bodyExcerpt: headExcerpt };

    const view = renderAlert(failed, incident, { timezone: 'UTC', now: failedAt });

    expect(view.output).toBe(headExcerpt);
    expect(slackOutput(view)).toBe(`\`\`\`\n${headExcerpt}\n\`\`\``);
  });
});

describe('a failure after a hang', () => {
  const startedAt = Date.UTC(2026, 2, 3, 10, 0);
  const monitor = monitorFixture({ maxRuntimeMs: 60_000 });
  const running = transition(
    monitor,
    { type: 'ping', ping: pingFixture('start') },
    startedAt,
  ).monitor;
  const hung = transition(running, { type: 'deadline' }, startedAt + 61_000).monitor;
  const failedAt = startedAt + 5 * 60_000;
  const ping = pingFixture('fail', { exitStatus: 3 });
  const result = transition(hung, { type: 'ping', ping }, failedAt);

  it('shows when the run failed', () => {
    const view = renderAlert(result.monitor, result.monitor.incident!, {
      timezone: 'UTC',
      now: failedAt,
    });
    expect(view.fields).toContainEqual({ label: 'Failed at', value: 'today, 10:05 UTC' });
  });

  it('says the run failed, not again', () => {
    const reply = result.effects.find((effect) => effect.type === 'thread_reply');
    expect(reply?.type).toBe('thread_reply');
    const text =
      reply?.type === 'thread_reply'
        ? renderThreadNote(reply.note, { timezone: 'UTC', now: failedAt })
        : '';
    expect(text).toBe('The run failed, with exit status 3.');
  });
});

describe('repeated failures', () => {
  const firstAt = Date.UTC(2026, 2, 3, 9, 0);
  const failWith = (exitStatus: number | null): MonitorEvent => ({
    type: 'ping',
    ping: pingFixture('fail', { exitStatus }),
  });
  const once = transition(monitorFixture({ name: 'backup' }), failWith(1), firstAt).monitor;
  const twice = transition(once, failWith(null), firstAt + 60_000).monitor;
  const thrice = transition(twice, failWith(2), firstAt + 120_000).monitor;
  const view = (monitor: Monitor) =>
    renderAlert(monitor, monitor.incident!, { timezone: 'UTC', now: firstAt + 180_000 });

  it('renders a single failure unchanged', () => {
    expect(view(once).title).toBe('backup failed with exit status 1');
    expect(view(once).fields).toEqual([
      { label: 'Failed at', value: 'today, 09:00 UTC' },
      { label: 'Exit status', value: '1' },
    ]);
  });

  it('counts failures in the title', () => {
    expect(view(twice).title).toBe('backup failed 2 times');
    expect(view(thrice).title).toBe('backup failed 3 times, the last with exit status 2');
    expect(view(thrice).fields).toEqual([
      { label: 'Last failed', value: 'today, 09:02 UTC' },
      { label: 'Last exit status', value: '2' },
    ]);
  });
});

describe('Last ping of a late alert', () => {
  // The monitor expects a run every 10 minutes with 1 minute of grace. It pinged at 09:00, so it
  // is late from 09:11 and missed from 09:21.
  const firstPingAt = Date.UTC(2026, 2, 3, 9, 0);
  const success: MonitorEvent = { type: 'ping', ping: pingFixture('success') };
  const up = transition(monitorFixture(), success, firstPingAt).monitor;
  const late = transition(up, { type: 'deadline' }, up.dueAt! + 1).monitor;
  const missed = transition(late, { type: 'deadline' }, late.dueAt! + 1).monitor;
  const now = Date.UTC(2026, 2, 3, 10, 0);

  /** Applies `event` at `at`, and returns the monitor after it and the incident it closed. */
  function closeWith(monitor: Monitor, event: MonitorEvent, at: number) {
    const result = transition(monitor, event, at);
    const archived = result.effects.find((effect) => effect.type === 'archive_incident');
    if (archived === undefined) throw new Error(`${event.type} closed no incident`);
    return { monitor: result.monitor, incident: archived.incident };
  }

  function lastPingOf(monitor: Monitor, incident: Incident): string | undefined {
    const view = renderAlert(monitor, incident, { timezone: 'UTC', now });
    return view.fields.find((field) => field.label === 'Last ping')?.value;
  }

  it('shows the ping before an open incident', () => {
    expect(lastPingOf(late, late.incident!)).toBe('today, 09:00 UTC');
    expect(lastPingOf(missed, missed.incident!)).toBe('today, 09:00 UTC');
  });

  it('shows the ping of a late run', () => {
    const closed = closeWith(late, success, Date.UTC(2026, 2, 3, 9, 13));

    expect(closed.incident.closeReason).toBe('ran_late');
    expect(lastPingOf(closed.monitor, closed.incident)).toBe('today, 09:13 UTC');
  });

  it('shows the ping that recovered', () => {
    const closed = closeWith(missed, success, Date.UTC(2026, 2, 3, 9, 25));

    expect(closed.incident.closeReason).toBe('recovered');
    expect(lastPingOf(closed.monitor, closed.incident)).toBe('today, 09:25 UTC');
  });

  // A delivery renders the monitor as it is when the delivery runs, which can be after more pings.
  it('keeps the recovering ping after later pings', () => {
    const closed = closeWith(missed, success, Date.UTC(2026, 2, 3, 9, 25));
    const later = transition(closed.monitor, success, Date.UTC(2026, 2, 3, 9, 35)).monitor;

    expect(later.lastPingAt).toBe(Date.UTC(2026, 2, 3, 9, 35));
    expect(lastPingOf(later, closed.incident)).toBe('today, 09:25 UTC');
  });

  it.each([
    { type: 'pause', by: 'UOWNER' },
    { type: 'delete', by: 'UOWNER' },
  ] as const)('keeps the earlier ping after $type', (event) => {
    const closed = closeWith(missed, event, Date.UTC(2026, 2, 3, 9, 25));

    expect(closed.incident.closedAt).toBe(Date.UTC(2026, 2, 3, 9, 25));
    expect(lastPingOf(closed.monitor, closed.incident)).toBe('today, 09:00 UTC');
  });

  it.each([
    { event: { type: 'pause', by: 'UOWNER' }, title: 'backup was paused' },
    { event: { type: 'delete', by: 'UOWNER' }, title: 'backup was deleted' },
  ] as const)('says once that $event.type closed the alert', ({ event, title }) => {
    const closed = closeWith(missed, event, Date.UTC(2026, 2, 3, 9, 25));
    const view = renderAlert(closed.monitor, closed.incident, { timezone: 'UTC', now });

    expect(view.title).toBe(title);
    expect(renderSlackMessage(view).text.split('\n')[0]).toBe(`${title} (closed)`);
  });

  it('shows the recovering ping in Slack and Discord', () => {
    const closed = closeWith(missed, success, Date.UTC(2026, 2, 3, 9, 25));
    const view = renderAlert(closed.monitor, closed.incident, { timezone: 'UTC', now });

    const slackFields = renderSlackMessage(view).blocks.flatMap((block) =>
      block.type === 'section' ? (block.fields ?? []).map((field) => field.text) : [],
    );
    expect(slackFields).toContain('*Last ping*\ntoday, 09:25 UTC');
    const discordFields = renderDiscordMessage(view).embeds[0]?.fields;
    expect(discordFields).toContainEqual({
      name: 'Last ping',
      value: 'today, 09:25 UTC',
      inline: true,
    });
  });
});
