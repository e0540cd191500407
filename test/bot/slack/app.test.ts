import { describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../src/bot/slack/app.js';
import { createLogger } from '../../../src/logger.js';
import { SlackApiStandIn } from '../../support/slack-api.js';
import { RecordingCommands, SIGNING_SECRET } from './harness.js';

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line)) };
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('Slack app start', () => {
  it('logs the workspace of the bot token', async () => {
    const slackApi = await SlackApiStandIn.start({ teamId: 'T0START01', teamName: 'Acme' });
    const { lines, logger } = captureLogs();
    const slack = createSlackApp({
      signingSecret: SIGNING_SECRET,
      botToken: slackApi.identity.token,
      apiUrl: slackApi.apiUrl,
      commands: new RecordingCommands(),
      logger,
    });
    try {
      await slack.start();

      expect(slackApi.callsTo('auth.test')).toHaveLength(1);
      const connected = lines.find((line) => line.msg === 'Slack app connected');
      expect(connected?.teamId).toBe('slack:T0START01');
      expect(JSON.stringify(lines)).not.toContain(slackApi.identity.token);
    } finally {
      await slack.stop();
      await slack.stop();
      await slackApi.close();
    }
  });

  it('rejects a token Slack refuses', async () => {
    const slackApi = await SlackApiStandIn.start();
    const slack = createSlackApp({
      signingSecret: SIGNING_SECRET,
      botToken: 'xoxb-wrong',
      apiUrl: slackApi.apiUrl,
      commands: new RecordingCommands(),
      logger: captureLogs().logger,
    });
    try {
      await expect(slack.start()).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
    } finally {
      await slack.stop();
      await slackApi.close();
    }
  });

  it('goes on when Slack cannot be reached', async () => {
    const slackApi = await SlackApiStandIn.start();
    const apiUrl = slackApi.apiUrl;
    await slackApi.close();
    const { lines, logger } = captureLogs();
    const slack = createSlackApp({
      signingSecret: SIGNING_SECRET,
      botToken: 'xoxb-any',
      apiUrl,
      commands: new RecordingCommands(),
      logger,
    });

    await expect(slack.start()).resolves.toBeUndefined();
    expect(
      lines.some((line) => line.level === 40 && /Could not reach Slack/.test(String(line.msg))),
    ).toBe(true);
    await slack.stop();
  });
});
