import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS } from '../../../src/bot/discord/markdown.js';
import {
  discordExample,
  ephemeralReply,
  replyEmbeds,
} from '../../../src/bot/discord/reply-message.js';
import type { ReplyView } from '../../../src/bot/views.js';

const CREATED: ReplyView = {
  summary: 'Created monitor backup.',
  sections: [
    {
      title: 'backup',
      lines: ['Schedule: every 1 hour', 'Alerts go to <#910000000000000001>.'],
      code: null,
    },
    {
      title: 'Ping URL',
      lines: ['Add this line to the end of the job:'],
      code: 'curl -fsS -m 10 --retry 5 --retry-connrefused http://x/ping/u',
    },
  ],
  isError: false,
};

function totalLength(reply: ReplyView): number {
  return replyEmbeds(reply).reduce(
    (sum, embed) => sum + (embed.title?.length ?? 0) + (embed.description?.length ?? 0),
    0,
  );
}

describe('reply message', () => {
  it('is ephemeral', () => {
    expect(ephemeralReply(CREATED).flags).toBe(64);
  });

  it('shows the summary as the title and the sections below', () => {
    const [embed] = replyEmbeds(CREATED);

    expect(embed?.title).toBe('Created monitor backup.');
    expect(embed?.description).toBe(
      '**backup**\nSchedule: every 1 hour\nAlerts go to <#910000000000000001>.\n\n' +
        '**Ping URL**\nAdd this line to the end of the job:\n```\ncurl -fsS -m 10 --retry 5 --retry-connrefused http://x/ping/u\n```',
    );
  });

  it('marks an error by emoji and colour', () => {
    const error: ReplyView = {
      summary: 'There is no monitor named "bakup" here.',
      sections: [],
      isError: true,
    };
    const [embed] = replyEmbeds(error);

    expect(embed?.title).toBe('⚠️ There is no monitor named "bakup" here.');
    expect(embed?.color).not.toBe(replyEmbeds(CREATED)[0]?.color);
  });

  it('cuts a long reply to what one message takes', () => {
    const lines = Array.from(
      { length: 800 },
      (_, i) => `job-${i}: up, every 1 hour, last ping today, 10:00 UTC`,
    );
    const long: ReplyView = {
      summary: '800 monitors.',
      sections: [{ title: null, lines, code: null }],
      isError: false,
    };
    const embeds = replyEmbeds(long);

    expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(totalLength(long)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    for (const embed of embeds) {
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    }
    expect(embeds.at(-1)?.description).toMatch(/more parts? of this reply not shown/);
  });
});

describe('examples of new', () => {
  it('are shown as the options of the Discord command', () => {
    expect(discordExample('/drumbeat new backup every day at 2am grace 30m')).toBe(
      '/drumbeat new name:backup schedule:every day at 2am grace 30m',
    );
    expect(discordExample('Create one: /drumbeat new backup every 1 day')).toBe(
      'Create one: /drumbeat new name:backup schedule:every 1 day',
    );
  });

  it('leave other lines as they are', () => {
    for (const line of [
      'Try: every day at 9am tz America/Los_Angeles',
      'A new monitor starts when its first ping arrives.',
      'Try: silence backup for 2 hours',
    ]) {
      expect(discordExample(line)).toBe(line);
    }
  });

  it('are rewritten in a reply as inline code', () => {
    const reply: ReplyView = {
      summary: 'The schedule is missing.',
      sections: [
        {
          title: null,
          lines: [{ lead: 'Try: ', command: '/drumbeat new eu_sync every 1 hour' }],
          code: null,
        },
      ],
      isError: true,
    };
    const [embed] = replyEmbeds(reply);
    expect(embed?.description).toBe('Try: `/drumbeat new name:eu_sync schedule:every 1 hour`');
  });

  it('go one to a line, each rewritten', () => {
    const commands = ['/drumbeat new backup every 15 minutes', '/drumbeat new backup daily'];
    const reply: ReplyView = {
      summary: '"every blah" is not a schedule Drumbeat understands.',
      sections: [
        {
          title: null,
          lines: ['Try one of these:', ...commands.map((command) => ({ lead: '', command }))],
          code: null,
        },
      ],
      isError: true,
    };
    const [embed] = replyEmbeds(reply);
    expect(embed?.description?.split('\n')).toEqual([
      'Try one of these:',
      '`/drumbeat new name:backup schedule:every 15 minutes`',
      '`/drumbeat new name:backup schedule:daily`',
    ]);
  });

  it('keep a backtick in a command', () => {
    const reply: ReplyView = {
      summary: 'Drumbeat could not read "`x`".',
      sections: [
        {
          title: null,
          lines: [{ lead: 'Try: ', command: '/drumbeat new a every `x`' }],
          code: null,
        },
      ],
      isError: true,
    };
    const [embed] = replyEmbeds(reply);
    expect(embed?.description).toBe('Try: `` /drumbeat new name:a schedule:every `x` ``');
  });
});

describe('examples of other subcommands', () => {
  it.each([
    ['/drumbeat silence db.main for 2 hours', '/drumbeat silence name:db.main how_long:2 hours'],
    [
      '/drumbeat silence db.main until monday',
      '/drumbeat silence name:db.main how_long:until monday',
    ],
    ['/drumbeat timezone Europe/Berlin', '/drumbeat timezone zone:Europe/Berlin'],
    ['Change it with /drumbeat timezone <zone>.', 'Change it with /drumbeat timezone zone:<zone>.'],
    ['/drumbeat status my-backup', '/drumbeat status name:my-backup'],
    ['/drumbeat pause backup', '/drumbeat pause name:backup'],
    ['/drumbeat resume backup', '/drumbeat resume name:backup'],
    ['/drumbeat unsilence backup', '/drumbeat unsilence name:backup'],
    ['/drumbeat delete backup', '/drumbeat delete name:backup'],
    ['/drumbeat digest weekly friday 4pm', '/drumbeat digest schedule:weekly friday 4pm'],
    ['/drumbeat digest daily 9am', '/drumbeat digest schedule:daily 9am'],
    ['/drumbeat digest off', '/drumbeat digest schedule:off'],
  ])('rewrites %j', (line, rewritten) => {
    expect(discordExample(line)).toBe(rewritten);
  });

  it.each([
    '/drumbeat list',
    '/drumbeat help',
    'Type /drumbeat digest in a channel that gets alerts, or /drumbeat list to see them.',
    'Change it with /drumbeat digest.',
  ])('leaves %j as it is', (line) => {
    expect(discordExample(line)).toBe(line);
  });
});
