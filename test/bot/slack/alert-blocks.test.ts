import { describe, expect, it } from 'vitest';
import { renderAlertMessage } from '../../../src/bot/slack/alert-blocks.js';
import type { AlertView } from '../../../src/bot/views.js';
import { INCIDENT_KINDS } from '../../../src/domain/types.js';

type AnyBlock = {
  type: string;
  text?: { type: string; text: string };
  fields?: { text: string }[];
  elements?: {
    type: string;
    text: string | { text: string };
    action_id?: string;
    value?: string;
    style?: string;
  }[];
};

function view(overrides: Partial<AlertView> = {}): AlertView {
  return {
    monitorId: 'mon-1',
    incidentId: 'inc-1',
    kind: 'failed',
    status: 'open',
    title: 'backup failed',
    fields: [
      { label: 'Exit status', value: '3' },
      { label: 'Started', value: '02:00 UTC' },
    ],
    notes: [],
    output: null,
    buttons: [
      { action: 'acknowledge', label: 'Acknowledge', value: 'mon-1:inc-1', style: 'primary' },
      { action: 'silence_1h', label: 'Silence 1h', value: 'mon-1:inc-1', style: null },
      { action: 'pause', label: 'Pause', value: 'mon-1:inc-1', style: 'danger' },
    ],
    ...overrides,
  };
}

function blocksOf(alert: AlertView): AnyBlock[] {
  return renderAlertMessage(alert).blocks as AnyBlock[];
}

function byType(alert: AlertView, type: string): AnyBlock[] {
  return blocksOf(alert).filter((block) => block.type === type);
}

describe('alert blocks', () => {
  it('starts with the title as a header', () => {
    const [first] = blocksOf(view());

    expect(first!.type).toBe('header');
    expect(first!.text!.type).toBe('plain_text');
    expect(first!.text!.text).toBe(':x: backup failed');
  });

  it('names kind and status in words', () => {
    const [, status] = blocksOf(view({ status: 'acknowledged' }));

    expect(status!.type).toBe('context');
    expect(status!.elements![0]!.text).toBe('*Failed* · Acknowledged');
  });

  it('gives each kind its own emoji', () => {
    const emoji = INCIDENT_KINDS.map((kind) => {
      const [header] = blocksOf(view({ kind }));
      return header!.text!.text.split(' ')[0];
    });

    expect(new Set(emoji).size).toBe(INCIDENT_KINDS.length);
  });

  it('marks acknowledged and closed alerts apart from open ones', () => {
    const headers = (['open', 'acknowledged', 'closed'] as const).map(
      (status) => blocksOf(view({ status }))[0]!.text!.text,
    );

    expect(new Set(headers).size).toBe(3);
  });

  it('lays out fields with bold labels', () => {
    const [section] = byType(view(), 'section');

    expect(section!.fields!.map((field) => field.text)).toEqual([
      '*Exit status*\n3',
      '*Started*\n02:00 UTC',
    ]);
  });

  it('splits more than ten fields', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `F${i}`, value: `${i}` }));
    const sections = byType(view({ fields }), 'section');

    expect(sections.map((section) => section.fields?.length)).toEqual([10, 2]);
  });

  it('shows notes as context', () => {
    const notes = ['Acknowledged by @alice at 02:05', 'Silenced until 03:00'];
    const contexts = byType(view({ notes }), 'context');

    expect(contexts[1]!.elements!.map((element) => element.text)).toEqual(notes);
  });

  it('escapes markup characters in text', () => {
    const alert = view({
      fields: [{ label: 'Command', value: 'run <job> && echo' }],
      notes: ['<!channel> look'],
    });
    const json = JSON.stringify(blocksOf(alert));

    expect(json).toContain('run &lt;job&gt; &amp;&amp; echo');
    expect(json).toContain('&lt;!channel&gt; look');
    expect(json).not.toContain('<!channel>');
  });

  it('shows output in a code block', () => {
    const sections = byType(view({ output: 'Error: disk full\nexit 3' }), 'section');

    expect(sections[1]!.text!.text).toBe('```\nError: disk full\nexit 3\n```');
  });

  it('cuts long output to the section limit', () => {
    const output = `${'x'.repeat(2000)}<${'y'.repeat(2000)}`;
    const text = byType(view({ output }), 'section')[1]!.text!.text;

    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.startsWith(`\`\`\`\n${'x'.repeat(2000)}&lt;y`)).toBe(true);
    const cut = Number(/_(\d+) more characters not shown_$/.exec(text)?.[1]);
    const shown = text.slice(4, text.indexOf('\n```')).replace('&lt;', '<').length;
    expect(cut + shown).toBe(output.length);
  });

  it('keeps a fence in the output from closing the block', () => {
    const text = byType(view({ output: 'before ``` after' }), 'section')[1]!.text!.text;

    expect(text.slice(3, -3)).not.toContain('```');
    expect(text).toContain('after');
  });

  it('adds the three buttons', () => {
    const [actions] = byType(view(), 'actions');
    const elements = actions!.elements!;

    expect(elements.map((element) => element.action_id)).toEqual([
      'drumbeat:acknowledge',
      'drumbeat:silence_1h',
      'drumbeat:pause',
    ]);
    expect(elements.map((element) => element.value)).toEqual([
      'mon-1:inc-1',
      'mon-1:inc-1',
      'mon-1:inc-1',
    ]);
    expect(elements.map((element) => element.style)).toEqual(['primary', undefined, 'danger']);
  });

  it('drops the buttons once closed', () => {
    const closed = view({ status: 'closed', buttons: [], notes: ['Recovered after 12m'] });

    expect(byType(closed, 'actions')).toHaveLength(0);
  });

  it('cuts a long title to the header limit', () => {
    const [header] = blocksOf(view({ title: `${'a'.repeat(200)} is late` }));

    expect(header!.text!.text.length).toBe(150);
    expect(header!.text!.text.endsWith('…')).toBe(true);
  });

  it('has a plain fallback text', () => {
    const { text } = renderAlertMessage(view({ status: 'closed', notes: ['Recovered after 12m'] }));

    expect(text).toBe(
      'backup failed (closed)\nExit status: 3\nStarted: 02:00 UTC\nRecovered after 12m',
    );
  });
});
