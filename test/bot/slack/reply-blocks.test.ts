import { describe, expect, it } from 'vitest';
import { renderReplyMessage } from '../../../src/bot/slack/reply-blocks.js';
import type { ReplyView } from '../../../src/bot/views.js';

type AnyBlock = { type: string; text?: { text: string }; elements?: { text: string }[] };

function texts(reply: ReplyView): string[] {
  return (renderReplyMessage(reply).blocks as AnyBlock[]).map(
    (block) => block.text?.text ?? block.elements?.[0]?.text ?? '',
  );
}

const created: ReplyView = {
  summary: 'Created nightly-invoices',
  sections: [
    {
      title: 'nightly-invoices',
      lines: ['Every 1 hour, grace 10 minutes', 'Next: 15:00, 16:00, 17:00 UTC'],
      code: 'curl -fsS -m 10 --retry 5 --retry-connrefused https://drumbeat.example/ping/1234',
    },
  ],
  isError: false,
};

describe('reply blocks', () => {
  it('renders title, lines and code', () => {
    expect(texts(created)).toEqual([
      '*nightly-invoices*\nEvery 1 hour, grace 10 minutes\nNext: 15:00, 16:00, 17:00 UTC',
      '```\ncurl -fsS -m 10 --retry 5 --retry-connrefused https://drumbeat.example/ping/1234\n```',
    ]);
  });

  it('uses the summary as fallback text', () => {
    expect(renderReplyMessage(created).text).toBe('Created nightly-invoices');
  });

  it('shows the summary of a reply without sections', () => {
    expect(texts({ summary: 'No monitors yet.', sections: [], isError: false })).toEqual([
      'No monitors yet.',
    ]);
  });

  it('marks an error reply', () => {
    const reply: ReplyView = {
      summary: 'No monitor named backup',
      sections: [{ title: null, lines: ['No monitor named backup.'], code: 'list' }],
      isError: true,
    };

    expect(texts(reply)[0]).toBe(':warning: No monitor named backup.');
    expect(renderReplyMessage(reply).text).toBe(':warning: No monitor named backup');
  });

  it('shows the error above its hint', () => {
    const reply: ReplyView = {
      summary: 'The period must be at least 30 seconds.',
      sections: [{ title: null, lines: ['Try: every 30 seconds'], code: null }],
      isError: true,
    };

    expect(texts(reply)).toEqual([
      ':warning: The period must be at least 30 seconds.\nTry: every 30 seconds',
    ]);
  });

  it('shows a command as inline code', () => {
    const reply: ReplyView = {
      summary: 'The schedule is missing.',
      sections: [
        {
          title: null,
          lines: [{ lead: 'Try: ', command: '/drumbeat new a&b every 1 hour in <#C1>' }],
          code: null,
        },
      ],
      isError: true,
    };

    expect(texts(reply)).toEqual([
      ':warning: The schedule is missing.\nTry: `/drumbeat new a&amp;b every 1 hour in &lt;#C1&gt;`',
    ]);
  });

  it('shows each of several commands on its own line', () => {
    const commands = ['/drumbeat timezone Europe/Berlin', '/drumbeat timezone UTC'];
    const reply: ReplyView = {
      summary: '"Mars/Base" is not an IANA time zone.',
      sections: [
        {
          title: null,
          lines: ['Try one of these:', ...commands.map((command) => ({ lead: '', command }))],
          code: null,
        },
      ],
      isError: true,
    };

    expect(texts(reply)[0]?.split('\n')).toEqual([
      ':warning: "Mars/Base" is not an IANA time zone.',
      'Try one of these:',
      '`/drumbeat timezone Europe/Berlin`',
      '`/drumbeat timezone UTC`',
    ]);
  });

  it('shows a command with a backtick as plain text', () => {
    const reply: ReplyView = {
      summary: 'Drumbeat could not read it.',
      sections: [
        {
          title: null,
          lines: [{ lead: 'Try: ', command: '/drumbeat new a every `x`' }],
          code: null,
        },
      ],
      isError: true,
    };

    expect(texts(reply)[0]).toBe(
      ':warning: Drumbeat could not read it.\nTry: /drumbeat new a every `x`',
    );
  });

  it('shows an error without sections once', () => {
    const reply: ReplyView = { summary: 'Something went wrong.', sections: [], isError: true };

    expect(texts(reply)).toEqual([':warning: Something went wrong.']);
  });

  it('splits lines that exceed one section', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `monitor-${i} ${'.'.repeat(60)}`);
    const result = texts({
      summary: 'List',
      sections: [{ title: null, lines, code: null }],
      isError: false,
    });

    expect(result.length).toBeGreaterThan(1);
    expect(result.every((text) => text.length <= 3000)).toBe(true);
    expect(result.join('\n').split('\n')).toEqual(lines);
  });

  it('caps a reply at fifty blocks', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({
      title: `Section ${i}`,
      lines: [],
      code: null,
    }));
    const result = texts({ summary: 'Many', sections, isError: false });

    expect(result).toHaveLength(50);
    expect(result[49]).toBe('_11 more parts of this reply not shown_');
  });

  it('escapes markup characters', () => {
    const reply: ReplyView = {
      summary: 'a <b>',
      sections: [{ title: 'x & y', lines: ['<!channel> <https://x.test|y>'], code: null }],
      isError: false,
    };

    expect(texts(reply)).toEqual(['*x &amp; y*\n&lt;!channel&gt; &lt;https://x.test|y&gt;']);
  });

  it('keeps user and channel references as mentions', () => {
    const reply: ReplyView = {
      summary: 'refs',
      sections: [{ title: null, lines: ['by <@U123> in <#C456>, not <@evil|x>'], code: null }],
      isError: false,
    };

    expect(texts(reply)).toEqual(['by <@U123> in <#C456>, not &lt;@evil|x&gt;']);
  });
});
