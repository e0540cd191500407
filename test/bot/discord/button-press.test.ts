import { afterEach, describe, expect, it } from 'vitest';
import { alertCustomId, renderAlertMessage } from '../../../src/bot/discord/alert-message.js';
import type { ReplyView } from '../../../src/bot/views.js';
import { buttonPayload } from '../../support/discord-signing.js';
import {
  alertViewFixture,
  CHANNEL_ID,
  GUILD_ID,
  type Harness,
  OTHER_GUILD_ID,
  startHarness,
  USER_ID,
} from './harness.js';

const PRESSED = alertViewFixture();
const ACKNOWLEDGE_ID = alertCustomId(PRESSED.buttons[0]!);

const ACKNOWLEDGED = alertViewFixture({
  status: 'acknowledged',
  notes: [`Acknowledged by <@${USER_ID}> at today, 10:05 UTC.`],
  buttons: PRESSED.buttons.slice(1),
});

const REFUSAL: ReplyView = {
  summary: 'This alert belongs to another workspace, so Drumbeat did nothing.',
  sections: [],
  isError: false,
};

interface MessageData {
  flags?: number;
  content?: string;
  embeds?: { title?: string; description?: string }[];
  components?: { components: { custom_id: string }[] }[];
}

describe('button press', () => {
  let harness: Harness | undefined;
  const rendered: [string, string][] = [];

  afterEach(async () => {
    await harness?.close();
    rendered.length = 0;
  });

  async function start(replyWithinMs?: number) {
    harness = await startHarness({
      ...(replyWithinMs === undefined ? {} : { replyWithinMs }),
      renderCurrentAlert: async (monitorId, incidentId) => {
        rendered.push([monitorId, incidentId]);
        return ACKNOWLEDGED;
      },
    });
    harness.api.addChannel(CHANNEL_ID);
    return harness;
  }

  it('runs the press in the core', async () => {
    const h = await start();
    await h.send(buttonPayload(h.actor, ACKNOWLEDGE_ID, '1300000000000000042'));

    expect(h.commands.presses).toHaveLength(1);
    const press = h.commands.presses[0]!;
    expect(press.action).toBe('acknowledge');
    expect(press.value).toBe(`${PRESSED.monitorId}:${PRESSED.incidentId}`);
    expect(press.ctx.teamId).toBe(`discord:${GUILD_ID}`);
    expect(press.ctx.userId).toBe(USER_ID);
  });

  it('updates the message with the alert as it now reads', async () => {
    const h = await start();
    const response = await h.send(buttonPayload(h.actor, ACKNOWLEDGE_ID, '1300000000000000042'));

    expect(response.body?.type).toBe(7);
    expect(response.body?.data).toEqual(renderAlertMessage(ACKNOWLEDGED));
    expect(rendered).toEqual([[PRESSED.monitorId, PRESSED.incidentId]]);
    const data = response.body?.data as MessageData;
    expect(data.embeds?.[0]?.description).toContain(`Acknowledged by <@${USER_ID}>`);
    const ids = data.components?.[0]?.components.map((button) => button.custom_id);
    expect(ids).not.toContain(ACKNOWLEDGE_ID);
  });

  it('refuses a press from another guild', async () => {
    const h = await start();
    h.commands.pressReply = REFUSAL;
    const actor = { ...h.actor, guildId: OTHER_GUILD_ID };
    const response = await h.send(buttonPayload(actor, ACKNOWLEDGE_ID, '1300000000000000042'));

    expect(h.commands.presses[0]!.ctx.teamId).toBe(`discord:${OTHER_GUILD_ID}`);
    expect(response.body?.type).toBe(4);
    const data = response.body?.data as MessageData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toBe(REFUSAL.summary);
    expect(rendered).toHaveLength(0);
  });

  it('rejects a button it did not make', async () => {
    const h = await start();
    const response = await h.send(
      buttonPayload(h.actor, 'someone-else:acknowledge', '1300000000000000042'),
    );

    expect(h.commands.presses).toHaveLength(0);
    const data = response.body?.data as MessageData;
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toContain('not one Drumbeat knows');
  });

  it('leaves the message when the incident is gone', async () => {
    harness = await startHarness({ renderCurrentAlert: async () => null });
    const response = await harness.send(
      buttonPayload(harness.actor, ACKNOWLEDGE_ID, '1300000000000000042'),
    );

    expect(response.body).toEqual({ type: 6 });
  });

  it('defers a slow press, then edits the alert', async () => {
    // A short budget takes the place of Discord's 3 s, so the test runs quickly.
    const h = await start(200);
    h.commands.pressDelayMs = 600;
    const posted = await h.app.notifier.postAlert(CHANNEL_ID, PRESSED);
    const payload = buttonPayload(h.actor, ACKNOWLEDGE_ID, posted.messageId);
    const response = await h.send(payload);

    expect(response.body).toEqual({ type: 6 });
    expect(h.commands.presses[0]!.finishedAt).toBeNull();
    await h.api.waitFor(
      () => h.api.originalEdits(payload.token).length === 1,
      5000,
      'edit of @original',
    );
    const message = h.api.message(CHANNEL_ID, posted.messageId);
    expect(message?.edits).toHaveLength(1);
    expect(message?.embeds).toEqual(renderAlertMessage(ACKNOWLEDGED).embeds);
  });

  it('defers a slow refusal, then follows up', async () => {
    const h = await start(200);
    h.commands.pressDelayMs = 600;
    h.commands.pressReply = REFUSAL;
    const payload = buttonPayload(
      { ...h.actor, guildId: OTHER_GUILD_ID },
      ACKNOWLEDGE_ID,
      '1300000000000000042',
    );
    const response = await h.send(payload);

    expect(response.body).toEqual({ type: 6 });
    await h.api.waitFor(() => h.api.followUps(payload.token).length === 1, 5000, 'follow-up');
    const followUp = h.api.followUps(payload.token)[0] as MessageData;
    expect(followUp.flags).toBe(64);
    expect(followUp.embeds?.[0]?.title).toBe(REFUSAL.summary);
    expect(h.api.originalEdits(payload.token)).toHaveLength(0);
  });
});
