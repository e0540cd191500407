import type { Router } from 'express';
import type { Logger } from 'pino';
import type { CommandHandler } from './bot/commands/context.js';
import { createDiscordApp } from './bot/discord/app.js';
import { createCurrentAlertRenderer } from './bot/discord/current-alert.js';
import { createAlertRenderer } from './bot/renderer.js';
import { createSlackApp } from './bot/slack/app.js';
import type { Config, SlackConfig } from './config.js';
import type { Notifier } from './scheduler/notifier.js';
import type { MonitorStore } from './store/monitors.js';
import type { TeamStore } from './store/teams.js';

export interface ChatPlatforms {
  /** Express routers to mount, each at its path. */
  routers: { path: string; router: Router }[];
  notifiers: Notifier[];
  stop(): Promise<void>;
}

export interface ChatPlatformOptions {
  config: Config;
  core: CommandHandler;
  logger: Logger;
  clock: () => number;
  /**
   * Stores the Discord front end reads: monitor names to autocomplete, and alerts to redraw
   * after a button press.
   */
  store: MonitorStore;
  teams: TeamStore;
}

/** Starts the chat front ends whose credentials are configured. */
export async function mountChatPlatforms(options: ChatPlatformOptions): Promise<ChatPlatforms> {
  const { config, core, logger, clock } = options;
  const platforms: ChatPlatforms = { routers: [], notifiers: [], stop: async () => {} };
  const stops: (() => Promise<void>)[] = [];
  if (config.slack) {
    const slack = createSlackApp({
      ...slackReceiver(config.slack),
      botToken: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
      commands: core,
      logger,
      now: clock,
    });
    await slack.start();
    if (config.slack.mode === 'http') platforms.routers.push({ path: '/', router: slack.router });
    platforms.notifiers.push(slack.notifier);
    stops.push(() => slack.stop());
  }
  if (config.discord) {
    const { store, teams } = options;
    const discord = createDiscordApp({
      applicationId: config.discord.applicationId,
      publicKey: config.discord.publicKey,
      botToken: config.discord.botToken,
      apiUrl: config.discord.apiUrl,
      commands: core,
      listMonitorNames: async (teamId) =>
        (await store.listTeam(teamId)).map((monitor) => monitor.name),
      renderCurrentAlert: createCurrentAlertRenderer(store, createAlertRenderer(teams), clock),
      logger,
      now: clock,
    });
    await discord.start();
    platforms.routers.push({ path: '/', router: discord.router });
    platforms.notifiers.push(discord.notifier);
    stops.push(() => discord.stop());
  }
  platforms.stop = async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };
  return platforms;
}

/** Picks the Slack receiver's credential: the app-level token in Socket Mode, else the secret. */
function slackReceiver(slack: SlackConfig): { appToken: string } | { signingSecret: string } {
  if (slack.mode === 'socket' && slack.appToken !== null) return { appToken: slack.appToken };
  if (slack.signingSecret !== null) return { signingSecret: slack.signingSecret };
  // loadConfig requires one of the two and picks 'socket' for SLACK_APP_TOKEN, so only a
  // config built by hand gets here.
  throw new Error('Slack needs SLACK_SIGNING_SECRET for HTTP, or SLACK_APP_TOKEN for Socket Mode.');
}
