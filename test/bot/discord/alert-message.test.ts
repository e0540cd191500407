import { describe, expect, it } from 'vitest';
import {
  alertCustomId,
  parseAlertCustomId,
  renderAlertMessage,
} from '../../../src/bot/discord/alert-message.js';
import { DISCORD_LIMITS } from '../../../src/bot/discord/markdown.js';
import type { AlertView } from '../../../src/bot/views.js';
import { alertViewFixture } from './harness.js';

interface Button {
  type: number;
  custom_id: string;
  label: string;
  style: number;
}

function buttonsOf(view: AlertView): Button[] {
  const rows = renderAlertMessage(view).components as unknown as {
    type: number;
    components: Button[];
  }[];
  return rows.flatMap((row) => row.components);
}

describe('alert message', () => {
  it('starts the content with an emoji and the title', () => {
    expect(renderAlertMessage(alertViewFixture()).content).toBe('⏰ backup is late');
  });

  it.each([
    ['late', 'open', '⏰', '**Late** · Open'],
    ['missed', 'open', '⚠️', '**Missed** · Open'],
    ['failed', 'open', '❌', '**Failed** · Open'],
    ['hung', 'open', '⏳', '**Hung** · Open'],
    ['missed', 'acknowledged', '👀', '**Missed** · Acknowledged'],
    ['failed', 'closed', '✅', '**Failed** · Closed'],
  ] as const)('marks %s and %s by emoji and word', (kind, status, emoji, words) => {
    const message = renderAlertMessage(alertViewFixture({ kind, status }));

    expect(message.content.startsWith(emoji)).toBe(true);
    expect(message.embeds[0]?.description?.split('\n')[0]).toBe(words);
  });

  it('colours open, acknowledged and closed alerts apart', () => {
    const colours = (['open', 'acknowledged', 'closed'] as const).map(
      (status) => renderAlertMessage(alertViewFixture({ status })).embeds[0]?.color,
    );

    expect(new Set(colours).size).toBe(3);
  });

  it('shows the fields inline', () => {
    const fields = renderAlertMessage(alertViewFixture()).embeds[0]?.fields;

    expect(fields).toEqual([
      { name: 'Expected', value: 'today, 10:00 UTC', inline: true },
      { name: 'Last ping', value: 'today, 09:00 UTC', inline: true },
    ]);
  });

  it('adds the buttons with their styles', () => {
    const buttons = buttonsOf(alertViewFixture());

    expect(buttons.map((button) => button.label)).toEqual(['Acknowledge', 'Silence 1h', 'Pause']);
    expect(buttons.map((button) => button.style)).toEqual([1, 2, 4]);
    expect(buttons[0]?.custom_id).toBe(
      'drumbeat:acknowledge:mon0000000000001:mon0000000000001-lx2k3j-4',
    );
  });

  it('removes the buttons once closed', () => {
    expect(
      renderAlertMessage(alertViewFixture({ status: 'closed', buttons: [] })).components,
    ).toEqual([]);
  });

  it('escapes markdown in names', () => {
    const message = renderAlertMessage(alertViewFixture({ title: 'eu_nightly_sync is late' }));

    expect(message.content).toBe('⏰ eu\\_nightly\\_sync is late');
  });

  it('keeps mentions in notes', () => {
    const view = alertViewFixture({
      notes: ['Acknowledged by <@920000000000000001> at today, 10:05 UTC.'],
    });

    expect(renderAlertMessage(view).embeds[0]?.description).toContain('<@920000000000000001>');
    expect(renderAlertMessage(view).allowed_mentions).toEqual({ parse: [] });
  });

  it('shows the output in a code block that cannot be closed early', () => {
    const view = alertViewFixture({ kind: 'failed', output: 'error ``` here' });
    const description = renderAlertMessage(view).embeds[0]?.description ?? '';

    expect(description).toContain('```\nerror `\u200b`` here\n```');
  });

  it('keeps a long output within the description limit', () => {
    const view = alertViewFixture({ kind: 'failed', output: 'x'.repeat(10_000) });
    const description = renderAlertMessage(view).embeds[0]?.description ?? '';

    expect(description.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(description.endsWith('```')).toBe(true);
  });
});

describe('alert custom id', () => {
  it('reads back what it writes', () => {
    const button = alertViewFixture().buttons[1]!;

    expect(parseAlertCustomId(alertCustomId(button))).toEqual({
      action: 'silence_1h',
      value: button.value,
    });
  });

  it.each([
    'drumbeat:explode:mon1:inc1',
    'other:acknowledge:mon1:inc1',
    'drumbeat:acknowledge:mon1',
    'drumbeat:acknowledge:mon1:inc1:extra',
    '',
  ])('rejects %j', (customId) => {
    expect(parseAlertCustomId(customId)).toBeNull();
  });
});
