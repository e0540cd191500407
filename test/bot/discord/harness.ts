// Starts the Discord front end as the service mounts it, on loopback, against the stand-in
// of Discord's REST API, with a command core that records its calls.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { CommandContext, CommandHandler } from '../../../src/bot/commands/context.js';
import { createDiscordApp, type DiscordApp } from '../../../src/bot/discord/app.js';
import type { CurrentAlertRenderer } from '../../../src/bot/discord/current-alert.js';
import { DISCORD_INTERACTIONS_PATH } from '../../../src/bot/discord/interactions-router.js';
import type { AlertAction, AlertView, ReplyView } from '../../../src/bot/views.js';
import { createSilentLogger } from '../../../src/logger.js';
import { DiscordApiStandIn } from '../../support/discord-api.js';
import {
  type Actor,
  generateTestKeyPair,
  type InteractionResponse,
  postInteraction,
  type SignOptions,
  type TestKeyPair,
} from '../../support/discord-signing.js';

export const GUILD_ID = '900000000000000001';
export const OTHER_GUILD_ID = '900000000000000002';
export const CHANNEL_ID = '910000000000000001';
export const USER_ID = '920000000000000001';

/** A command core that records its calls and returns scripted replies. */
export class RecordingCommands implements CommandHandler {
  readonly runs: { text: string; ctx: CommandContext; finishedAt: number | null }[] = [];
  readonly presses: {
    action: AlertAction;
    value: string;
    ctx: CommandContext;
    finishedAt: number | null;
  }[] = [];
  runDelayMs = 0;
  runError: Error | null = null;
  pressDelayMs = 0;
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
    const entry = { action, value, ctx, finishedAt: null as number | null };
    this.presses.push(entry);
    if (this.pressDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.pressDelayMs));
    entry.finishedAt = performance.now();
    return this.pressReply;
  }
}

/** The reply the recording core gives, derived from the text so tests can tell replies apart. */
export function replyFor(text: string): ReplyView {
  return {
    summary: `Ran: ${text}`,
    sections: [{ title: 'Result', lines: [`You typed ${text}`], code: 'curl -fsS https://x' }],
    isError: false,
  };
}

/** An open, unacknowledged alert with all three buttons. */
export function alertViewFixture(overrides: Partial<AlertView> = {}): AlertView {
  const value = 'mon0000000000001:mon0000000000001-lx2k3j-4';
  return {
    monitorId: 'mon0000000000001',
    incidentId: 'mon0000000000001-lx2k3j-4',
    kind: 'late',
    status: 'open',
    title: 'backup is late',
    fields: [
      { label: 'Expected', value: 'today, 10:00 UTC' },
      { label: 'Last ping', value: 'today, 09:00 UTC' },
    ],
    notes: [],
    output: null,
    buttons: [
      { action: 'acknowledge', label: 'Acknowledge', value, style: 'primary' },
      { action: 'silence_1h', label: 'Silence 1h', value, style: null },
      { action: 'pause', label: 'Pause', value, style: 'danger' },
    ],
    ...overrides,
  };
}

export interface HarnessOptions {
  now?: () => number;
  listMonitorNames?: (teamId: string) => Promise<string[]>;
  renderCurrentAlert?: CurrentAlertRenderer;
  botToken?: string;
  /** How long a response waits before it defers, in ms. Unset, the service's 2500 applies. */
  replyWithinMs?: number;
}

export interface Harness {
  url: string;
  api: DiscordApiStandIn;
  app: DiscordApp;
  commands: RecordingCommands;
  keys: TestKeyPair;
  actor: Actor;
  /** Registers the interaction's token with the stand-in, then POSTs it signed. */
  send(payload: { token: string }, options?: SignOptions): Promise<InteractionResponse>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const api = await DiscordApiStandIn.start();
  const keys = generateTestKeyPair();
  const commands = new RecordingCommands();
  const app = createDiscordApp({
    applicationId: api.identity.applicationId,
    publicKey: keys.publicKeyHex,
    botToken: options.botToken ?? api.identity.botToken,
    apiUrl: api.apiUrl,
    commands,
    listMonitorNames: options.listMonitorNames ?? (async () => []),
    renderCurrentAlert: options.renderCurrentAlert ?? (async () => alertViewFixture()),
    logger: createSilentLogger(),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.replyWithinMs === undefined ? {} : { replyWithinMs: options.replyWithinMs }),
  });

  const server = await new Promise<Server>((resolve) => {
    const listening = express()
      .use(app.router)
      .listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${DISCORD_INTERACTIONS_PATH}`;
  const actor = {
    applicationId: api.identity.applicationId,
    guildId: GUILD_ID,
    channelId: CHANNEL_ID,
    userId: USER_ID,
  };

  return {
    url,
    api,
    app,
    commands,
    keys,
    actor,
    send(payload, signOptions = {}) {
      api.registerInteraction(payload);
      return postInteraction(url, keys, payload, signOptions);
    },
    async close() {
      await app.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}
