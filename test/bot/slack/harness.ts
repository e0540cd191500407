// Starts the Slack front end as the service mounts it, on loopback, against the stand-in.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { CommandContext, CommandHandler } from '../../../src/bot/commands/context.js';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../../../src/bot/slack/app.js';
import type { AlertAction, ReplyView } from '../../../src/bot/views.js';
import { createSilentLogger } from '../../../src/logger.js';
import { SlackApiStandIn } from '../../support/slack-api.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** A command core that records its calls and returns scripted replies. */
export class RecordingCommands implements CommandHandler {
  readonly runs: { text: string; ctx: CommandContext; finishedAt: number | null }[] = [];
  readonly presses: { action: AlertAction; value: string; ctx: CommandContext }[] = [];
  runDelayMs = 0;
  runError: Error | null = null;
  pressReply: ReplyView | null = null;

  async run(text: string, ctx: CommandContext): Promise<ReplyView> {
    const entry = { text, ctx, finishedAt: null as number | null };
    this.runs.push(entry);
    if (this.runDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.runDelayMs));
    entry.finishedAt = performance.now();
    if (this.runError !== null) throw this.runError;
    return replyFor(text);
  }

  async pressButton(action: AlertAction, value: string, ctx: CommandContext) {
    this.presses.push({ action, value, ctx });
    return this.pressReply;
  }
}

/** Returns the recording core's reply, derived from the text so tests can tell replies apart. */
export function replyFor(text: string): ReplyView {
  return {
    summary: `Ran: ${text}`,
    sections: [{ title: 'Result', lines: [`You typed ${text}`], code: 'curl -fsS https://x' }],
    isError: false,
  };
}

export interface Harness {
  url: string;
  slackApi: SlackApiStandIn;
  slack: SlackApp;
  commands: RecordingCommands;
  close(): Promise<void>;
}

export async function startHarness(options: { now?: () => number } = {}): Promise<Harness> {
  const slackApi = await SlackApiStandIn.start();
  const commands = new RecordingCommands();
  const slack = createSlackApp({
    signingSecret: SIGNING_SECRET,
    botToken: slackApi.identity.token,
    apiUrl: slackApi.apiUrl,
    commands,
    logger: createSilentLogger(),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await slack.start();

  const app = express();
  app.use(slack.router);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    slackApi,
    slack,
    commands,
    async close() {
      await slack.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slackApi.close();
    },
  };
}
