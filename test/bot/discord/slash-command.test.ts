import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandPayload } from '../../support/discord-signing.js';
import { CHANNEL_ID, GUILD_ID, type Harness, replyFor, startHarness, USER_ID } from './harness.js';

interface ReplyData {
  flags?: number;
  embeds?: { title?: string; description?: string }[];
}

describe('application command', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(async () => {
    await harness.close();
  });

  it('passes a new command to the core as text', async () => {
    const payload = commandPayload(harness.actor, 'new', {
      name: 'backup',
      schedule: 'every 1 hour',
      grace: '10 minutes',
      max_runtime: '2h',
      channel: '910000000000000777',
    });
    await harness.send(payload);

    expect(harness.commands.runs).toHaveLength(1);
    expect(harness.commands.runs[0]!.text).toBe(
      'new backup every 1 hour grace 10 minutes max runtime 2h in <#910000000000000777>',
    );
  });

  it('passes guild, user and channel in the context', async () => {
    await harness.send(commandPayload(harness.actor, 'list'));

    const { ctx } = harness.commands.runs[0]!;
    expect(ctx.platform).toBe('discord');
    expect(ctx.teamId).toBe(`discord:${GUILD_ID}`);
    expect(ctx.userId).toBe(USER_ID);
    expect(ctx.channelId).toBe(CHANNEL_ID);
    expect(ctx.userTimezone).toBeNull();
  });

  it('finds a channel named in the text', async () => {
    harness.api.addChannel('910000000000000555', { guildId: GUILD_ID, name: 'ops' });
    await harness.send(
      commandPayload(harness.actor, 'new', { name: 'sync', schedule: 'every day at 2am in #ops' }),
    );

    const { text, ctx } = harness.commands.runs[0]!;
    expect(text).toBe('new sync every day at 2am in #ops');
    expect(await ctx.resolveChannel?.('ops')).toBe('910000000000000555');
    expect(await ctx.resolveChannel?.('#OPS')).toBe('910000000000000555');
    expect(await ctx.resolveChannel?.('no-such-channel')).toBeNull();
    expect(await ctx.resolveChannel?.('910000000000000777')).toBe('910000000000000777');
  });

  it('leaves optional options out of a new command', async () => {
    await harness.send(
      commandPayload(harness.actor, 'new', { name: 'sync', schedule: 'every 15 minutes' }),
    );

    expect(harness.commands.runs[0]!.text).toBe('new sync every 15 minutes');
  });

  it.each([
    ['silence', { name: 'backup', how_long: '2 hours' }, 'silence backup for 2 hours'],
    [
      'silence',
      { name: 'backup', how_long: 'until monday 9am' },
      'silence backup until monday 9am',
    ],
    ['silence', { name: 'backup', how_long: 'for 30m' }, 'silence backup for 30m'],
    ['status', { name: 'backup' }, 'status backup'],
    ['pause', { name: 'backup' }, 'pause backup'],
    ['resume', { name: 'backup' }, 'resume backup'],
    ['unsilence', { name: 'backup' }, 'unsilence backup'],
    ['delete', { name: 'backup' }, 'delete backup'],
    ['timezone', { zone: 'Europe/Berlin' }, 'timezone Europe/Berlin'],
    ['timezone', {}, 'timezone'],
    ['list', {}, 'list'],
    ['help', {}, 'help'],
    ['pingkey', {}, 'pingkey'],
    ['digest', {}, 'digest'],
    ['digest', { schedule: 'weekly friday 4pm' }, 'digest weekly friday 4pm'],
  ])('turns %s %o into "%s"', async (subcommand, options, text) => {
    await harness.send(commandPayload(harness.actor, subcommand, options));

    expect(harness.commands.runs.map((run) => run.text)).toEqual([text]);
  });

  it('answers with an ephemeral embed', async () => {
    const response = await harness.send(commandPayload(harness.actor, 'list'));

    expect(response.status).toBe(200);
    expect(response.body?.type).toBe(4);
    const data = response.body?.data as ReplyData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toBe(replyFor('list').summary);
    expect(data.embeds?.[0]?.description).toContain('**Result**\nYou typed list');
    expect(data.embeds?.[0]?.description).toContain('```\ncurl -fsS https://x\n```');
  });

  // The example is inline code, in which Discord shows text as it is, without escapes.
  it.each([
    ['status', { name: 'my backup' }, 'Try: `/drumbeat status name:my-backup`'],
    [
      'silence',
      { name: 'my backup', how_long: '2 hours' },
      'Try: `/drumbeat silence name:my-backup how_long:2 hours`',
    ],
    [
      'silence',
      { name: 'my  backup', how_long: 'until monday' },
      'Try: `/drumbeat silence name:my-backup how_long:until monday`',
    ],
    [
      'new',
      { name: 'my backup', schedule: 'every day', grace: '10m' },
      'Try: `/drumbeat new name:my-backup schedule:every day grace 10m`',
    ],
  ])('rejects a %s name with a space', async (subcommand, options, example) => {
    const response = await harness.send(commandPayload(harness.actor, subcommand, options));

    expect(harness.commands.runs).toHaveLength(0);
    const data = response.body?.data as ReplyData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toContain('names have no spaces');
    expect(data.embeds?.[0]?.description).toBe(example);
  });

  it('answers outside a server without running', async () => {
    const { guild_id: _guild, member: _member, ...direct } = commandPayload(harness.actor, 'list');
    const inDirectMessage = { ...direct, user: { id: USER_ID } };
    const response = await harness.send(inDirectMessage);

    expect(harness.commands.runs).toHaveLength(0);
    const data = response.body?.data as ReplyData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toContain('Drumbeat works in servers');
  });

  it('answers a failing core with an error reply', async () => {
    harness.commands.runError = new Error('redis went away');
    const response = await harness.send(commandPayload(harness.actor, 'list'));

    expect(response.status).toBe(200);
    const data = response.body?.data as ReplyData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toContain('Something went wrong on our side');
    expect(JSON.stringify(data)).not.toContain('redis went away');
  });

  it('defers a slow command, then edits the reply', async () => {
    harness.commands.runDelayMs = 3500;
    const payload = commandPayload(harness.actor, 'new', {
      name: 'slow',
      schedule: 'every 1 hour',
    });
    const response = await harness.send(payload);

    // Discord fails the interaction when the response takes more than 3 s.
    expect(response.elapsedMs).toBeLessThan(3000);
    expect(response.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(harness.commands.runs[0]!.finishedAt).toBeNull();

    await harness.api.waitFor(
      () => harness.api.originalEdits(payload.token).length === 1,
      5000,
      'edit of @original',
    );
    const edit = harness.api.originalEdits(payload.token)[0] as ReplyData;
    expect(edit.embeds?.[0]?.title).toBe(replyFor('new slow every 1 hour').summary);
    const [call] = harness.api.callsTo(
      'PATCH',
      `/webhooks/${harness.actor.applicationId}/${payload.token}/messages/@original`,
    );
    expect(call?.authorization).toBeNull();
    expect(call!.receivedAt).toBeGreaterThan(response.receivedAt);
  });

  it('answers a quick command without deferring', async () => {
    harness.commands.runDelayMs = 100;
    const payload = commandPayload(harness.actor, 'list');
    const response = await harness.send(payload);

    expect(response.body?.type).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.api.calls).toHaveLength(0);
  });
});
