import { afterEach, describe, expect, it } from 'vitest';
import { autocompletePayload, type InteractionResponse } from '../../support/discord-signing.js';
import { GUILD_ID, type Harness, startHarness } from './harness.js';

interface Choices {
  choices?: { name: string; value: string }[];
}

function choicesOf(response: InteractionResponse) {
  return (response.body?.data as Choices | undefined)?.choices;
}

describe('autocomplete', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
  });

  it('suggests the guild monitors that match', async () => {
    const teams: string[] = [];
    harness = await startHarness({
      listMonitorNames: async (teamId) => {
        teams.push(teamId);
        return ['backup', 'db-backup', 'invoices'];
      },
    });
    const response = await harness.send(
      autocompletePayload(harness.actor, 'status', { name: 'back' }, 'name'),
    );

    expect(response.body?.type).toBe(8);
    const values = choicesOf(response)?.map((choice) => choice.value);
    expect(values).toEqual(['backup', 'db-backup']);
    expect(teams).toEqual([`discord:${GUILD_ID}`]);
  });

  it('suggests at most 25 names', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
    harness = await startHarness({ listMonitorNames: async () => names });
    const response = await harness.send(
      autocompletePayload(harness.actor, 'pause', { name: '' }, 'name'),
    );

    expect(choicesOf(response)).toHaveLength(25);
  });

  it('suggests time zones for the zone option', async () => {
    harness = await startHarness();
    const response = await harness.send(
      autocompletePayload(harness.actor, 'timezone', { zone: 'berl' }, 'zone'),
    );

    const values = choicesOf(response)?.map((choice) => choice.value);
    expect(values).toContain('Europe/Berlin');
  });

  it('suggests nothing when the lookup fails', async () => {
    harness = await startHarness({
      listMonitorNames: async () => {
        throw new Error('redis went away');
      },
    });
    const response = await harness.send(
      autocompletePayload(harness.actor, 'status', { name: 'b' }, 'name'),
    );

    expect(response.status).toBe(200);
    expect(choicesOf(response)).toEqual([]);
  });
});
