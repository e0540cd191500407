import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, describePlatforms, loadConfig } from '../src/config.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BOT_TOKEN = 'xoxb-1111-2222-abcdefSekr1t';
const APP_TOKEN = 'xapp-1-A111-222-abcdefSekr1t';
const DISCORD_TOKEN = 'MTE4.discord-bot-Sekr1t.token';
const DISCORD_KEY = 'a'.repeat(32) + 'B0'.repeat(16);
const DISCORD_APP_ID = '1180000000000000001';

const slackHttp = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN };
const discord = {
  DISCORD_APPLICATION_ID: DISCORD_APP_ID,
  DISCORD_PUBLIC_KEY: DISCORD_KEY,
  DISCORD_BOT_TOKEN: DISCORD_TOKEN,
};

/** Returns the ConfigError that loadConfig throws for `env`, or fails the test. */
function configErrorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

function problemFor(env: NodeJS.ProcessEnv, variable: string): ConfigProblem {
  const problems = configErrorFor(env).problems;
  const problem = problems.find((candidate) => candidate.variable === variable);
  if (!problem) throw new Error(`no problem for ${variable} in ${JSON.stringify(problems)}`);
  return problem;
}

describe('loadConfig defaults', () => {
  const config = loadConfig({}, { cwd: '/srv/drumbeat' });

  it('listens on port 3000', () => {
    expect(config.port).toBe(3000);
  });

  it('derives the public URL from the port', () => {
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('leaves the Redis URL unset', () => {
    expect(config.redisUrl).toBeNull();
  });

  it('configures no chat platform', () => {
    expect(config.slack).toBeNull();
    expect(config.discord).toBeNull();
  });

  it('fills in the remaining defaults', () => {
    expect(config.logLevel).toBe('info');
    expect(config.roles).toEqual(['web', 'worker']);
    expect(config.keyPrefix).toBe('drumbeat');
    expect(config.pingBodyLimitBytes).toBe(102_400);
    expect(config.pingRatePerMinute).toBe(120);
    expect(config.host).toBeUndefined();
    expect(config.dataDir).toBe('/srv/drumbeat/data');
  });

  it('treats blank variables as unset', () => {
    const blank = loadConfig({ PORT: '', LOG_LEVEL: '  ', SLACK_BOT_TOKEN: '' });
    expect(blank.port).toBe(3000);
    expect(blank.logLevel).toBe('info');
    expect(blank.slack).toBeNull();
  });

  it('ignores variables that are not its own', () => {
    expect(loadConfig({ HOME: '/root', NODE_ENV: 'production' }).port).toBe(3000);
  });
});

describe('loadConfig values', () => {
  it('removes trailing slashes from PUBLIC_URL', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://beat.example.com/drumbeat//' });
    expect(config.publicUrl).toBe('https://beat.example.com/drumbeat');
  });

  it('keeps REDIS_URL as given', () => {
    const url = 'rediss://user:pw@redis.example.com:6380/2';
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  it('configures Slack over HTTP', () => {
    expect(loadConfig(slackHttp).slack).toEqual({
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: null,
      apiUrl: 'https://slack.com/api/',
    });
  });

  it('configures Slack over Socket Mode', () => {
    const slack = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN }).slack;
    expect(slack?.mode).toBe('socket');
    expect(slack?.appToken).toBe(APP_TOKEN);
    expect(slack?.signingSecret).toBeNull();
  });

  it('adds the trailing slash to SLACK_API_URL', () => {
    const slack = loadConfig({ ...slackHttp, SLACK_API_URL: 'http://127.0.0.1:4000/api' }).slack;
    expect(slack?.apiUrl).toBe('http://127.0.0.1:4000/api/');
  });

  it('configures Discord', () => {
    const config = loadConfig({
      ...discord,
      DISCORD_API_URL: 'http://127.0.0.1:4001/api/',
      DISCORD_GUILD_ID: '42',
    });
    expect(config.discord).toEqual({
      applicationId: DISCORD_APP_ID,
      publicKey: DISCORD_KEY.toLowerCase(),
      botToken: DISCORD_TOKEN,
      apiUrl: 'http://127.0.0.1:4001/api',
      guildId: '42',
    });
  });

  it('defaults the Discord API URL', () => {
    expect(loadConfig(discord).discord?.apiUrl).toBe('https://discord.com/api');
  });

  it('parses roles in any order and case', () => {
    expect(loadConfig({ DRUMBEAT_ROLES: 'worker' }).roles).toEqual(['worker']);
    expect(loadConfig({ DRUMBEAT_ROLES: ' Worker , web,web' }).roles).toEqual(['web', 'worker']);
  });

  it('accepts the other variables', () => {
    const config = loadConfig(
      {
        LOG_LEVEL: 'DEBUG',
        DRUMBEAT_KEY_PREFIX: 'drumbeat-staging',
        PING_BODY_LIMIT_BYTES: '0',
        PING_RATE_PER_MINUTE: '0',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/drumbeat',
      },
      { cwd: '/srv' },
    );
    expect(config.logLevel).toBe('debug');
    expect(config.keyPrefix).toBe('drumbeat-staging');
    expect(config.pingBodyLimitBytes).toBe(0);
    expect(config.pingRatePerMinute).toBe(0);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('/var/lib/drumbeat');
  });

  it('resolves DATA_DIR against the working directory', () => {
    expect(loadConfig({ DATA_DIR: 'state' }).dataDir).toBe(resolve('state'));
  });
});

describe('loadConfig invalid values', () => {
  const cases: [variable: string, value: string, expected: string][] = [
    ['PORT', 'abc', 'whole number from 1 to 65535'],
    ['PORT', '0', 'whole number from 1 to 65535'],
    ['PORT', '65536', 'whole number from 1 to 65535'],
    ['PORT', '30.5', 'whole number from 1 to 65535'],
    ['PUBLIC_URL', 'beat.example.com', 'http:// or https:// URL'],
    ['PUBLIC_URL', 'ftp://beat.example.com', 'http:// or https:// URL'],
    ['PUBLIC_URL', 'https://beat.example.com/?a=1', 'no query or fragment'],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'redis:// or rediss:// URL'],
    ['SLACK_API_URL', 'slack.com/api', 'http:// or https:// URL'],
    ['DISCORD_API_URL', 'discord', 'http:// or https:// URL'],
    ['DISCORD_GUILD_ID', 'my-server', 'numeric Discord id'],
    ['LOG_LEVEL', 'verbose', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['DRUMBEAT_ROLES', 'web,scheduler', 'comma-separated list of web and worker'],
    ['DRUMBEAT_ROLES', ',', 'comma-separated list of web and worker'],
    ['DRUMBEAT_KEY_PREFIX', 'drum{beat}', 'letters, digits'],
    ['PING_BODY_LIMIT_BYTES', '-1', 'whole number of bytes from 0 to 10485760'],
    ['PING_BODY_LIMIT_BYTES', '10485761', 'whole number of bytes from 0 to 10485760'],
    ['PING_RATE_PER_MINUTE', 'many', 'whole number from 0 (no limit) to 100000'],
    ['HOST', 'http://0.0.0.0', 'host name or IP address'],
  ];

  for (const [variable, value, expected] of cases) {
    it(`rejects ${variable}=${value}`, () => {
      const message = problemFor({ [variable]: value }, variable).message;
      expect(message.startsWith(`${variable}: must be `)).toBe(true);
      expect(message).toContain(expected);
      expect(message).toContain(`got ${JSON.stringify(value)}`);
      expect(message).toContain(`Set ${variable}=`);
    });
  }

  it('writes the PORT message in full', () => {
    expect(configErrorFor({ PORT: 'abc' }).message).toBe(
      'PORT: must be a whole number from 1 to 65535, got "abc". Set PORT=3000 or leave it unset.',
    );
  });

  it('lists every invalid variable, one line each', () => {
    const error = configErrorFor({ PORT: 'abc', LOG_LEVEL: 'loud', DRUMBEAT_ROLES: 'cron' });
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^PORT: /);
    expect(lines[1]).toMatch(/^LOG_LEVEL: /);
    expect(lines[2]).toMatch(/^DRUMBEAT_ROLES: /);
    expect(error.code).toBe('config_invalid');
  });
});

describe('loadConfig secrets', () => {
  const secretCases: [variable: string, value: string, expected: string][] = [
    ['SLACK_BOT_TOKEN', 'xoxp-user-token-Sekr1t', 'starts with xoxb-'],
    ['SLACK_APP_TOKEN', 'xoxb-not-an-app-token-Sekr1t', 'starts with xapp-'],
    ['SLACK_SIGNING_SECRET', 'has a Sekr1t space', 'signing secret'],
    ['DISCORD_BOT_TOKEN', 'Bot MTE4.Sekr1t', 'without the "Bot " prefix'],
  ];

  for (const [variable, value, expected] of secretCases) {
    it(`rejects ${variable} without showing it`, () => {
      const env = { ...slackHttp, ...discord, [variable]: value };
      const error = configErrorFor(env);
      const problem = problemFor(env, variable);
      expect(problem.message).toContain(expected);
      expect(problem.message).toContain(`a value of ${value.length} characters (not shown`);
      expect(error.message).not.toContain('Sekr1t');
    });
  }

  it('hides the password of an invalid REDIS_URL', () => {
    const message = problemFor(
      { REDIS_URL: 'http://admin:hunter2@redis:6379' },
      'REDIS_URL',
    ).message;
    expect(message).not.toContain('hunter2');
    expect(message).toContain('redis:6379');
  });

  it('hides a REDIS_URL that is no URL at all', () => {
    const message = problemFor({ REDIS_URL: 'hunter2' }, 'REDIS_URL').message;
    expect(message).not.toContain('hunter2');
  });

  it('shows a REDIS_URL with a bad port or path', () => {
    for (const url of ['redis://127.0.0.1:99999', 'redis://127.0.0.1:6379/abc']) {
      const message = problemFor({ REDIS_URL: url }, 'REDIS_URL').message;
      expect(message).toContain(`got "${url}"`);
      expect(message).toContain('a port from 1 to 65535 and at most a database number');
    }
    const secret = problemFor({ REDIS_URL: 'redis://u:hunter2@h:99999' }, 'REDIS_URL').message;
    expect(secret).not.toContain('hunter2');
  });

  it('accepts a REDIS_URL with a database number', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe(
      'redis://127.0.0.1:6379/2',
    );
  });
});

describe('loadConfig variables that go together', () => {
  it('needs the Slack bot token with the signing secret', () => {
    const problem = problemFor({ SLACK_SIGNING_SECRET: SIGNING_SECRET }, 'SLACK_BOT_TOKEN');
    expect(problem.message).toBe(
      'SLACK_BOT_TOKEN: missing, but SLACK_SIGNING_SECRET is set. ' +
        "Set SLACK_BOT_TOKEN to the app's bot token (xoxb-...), or unset SLACK_SIGNING_SECRET.",
    );
  });

  it('needs a signing secret or app token with the bot token', () => {
    const problem = problemFor({ SLACK_BOT_TOKEN: BOT_TOKEN }, 'SLACK_SIGNING_SECRET');
    expect(problem.message).toContain('SLACK_SIGNING_SECRET: missing, but SLACK_BOT_TOKEN is set');
    expect(problem.message).toContain('SLACK_APP_TOKEN');
    expect(problem.message).not.toContain(BOT_TOKEN);
  });

  it('needs the bot token with the app token', () => {
    const problem = problemFor({ SLACK_APP_TOKEN: APP_TOKEN }, 'SLACK_BOT_TOKEN');
    expect(problem.message).toContain('missing, but SLACK_APP_TOKEN is set');
  });

  it('reports one line per missing Discord variable', () => {
    const error = configErrorFor({ DISCORD_BOT_TOKEN: DISCORD_TOKEN });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      'DISCORD_APPLICATION_ID',
      'DISCORD_PUBLIC_KEY',
    ]);
    expect(error.message).toContain(
      'DISCORD_PUBLIC_KEY: missing, but DISCORD_BOT_TOKEN is set. Discord needs all three',
    );
    expect(error.message).not.toContain(DISCORD_TOKEN);
  });

  it('rejects a Discord public key of the wrong length', () => {
    const env = { ...discord, DISCORD_PUBLIC_KEY: 'abc123' };
    expect(problemFor(env, 'DISCORD_PUBLIC_KEY').message).toContain('64 hexadecimal characters');
  });

  it('does not report an invalid value as missing too', () => {
    const error = configErrorFor({ ...slackHttp, SLACK_BOT_TOKEN: 'xoxp-Sekr1t' });
    expect(error.problems.map((problem) => problem.variable)).toEqual(['SLACK_BOT_TOKEN']);
  });
});

describe('describePlatforms', () => {
  it('says when no platform is configured', () => {
    const line = describePlatforms(loadConfig({}));
    expect(line).toContain('No chat platform is configured, so alerts go to the log');
    expect(line).not.toContain('\n');
  });

  it('names Slack over HTTP and Discord', () => {
    const line = describePlatforms(loadConfig({ ...slackHttp, ...discord }));
    expect(line).toBe(
      'Chat platforms: Slack (events over HTTP at /slack/events), Discord (global commands).',
    );
  });

  it('names Socket Mode and the Discord server', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      ...discord,
      DISCORD_GUILD_ID: '42',
    });
    expect(describePlatforms(config)).toBe(
      'Chat platforms: Slack (Socket Mode), Discord (commands in server 42).',
    );
  });

  it('never shows a token', () => {
    const line = describePlatforms(loadConfig({ ...slackHttp, ...discord }));
    expect(line).not.toContain(BOT_TOKEN);
    expect(line).not.toContain(DISCORD_TOKEN);
  });
});
