// Requests as Slack sends them: signed bodies of slash commands and block_actions payloads.

import { createHmac } from 'node:crypto';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Slack's request signature: `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`. */
export function slackSignature(
  signingSecret: string,
  timestampSec: number,
  rawBody: string,
): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSec}:`);
  hmac.update(Buffer.from(rawBody, 'utf8'));
  return `v0=${hmac.digest('hex')}`;
}

export interface SignOptions {
  /** Defaults to the current time. */
  timestampSec?: number;
  contentType?: string;
}

/** Headers of a signed request for `rawBody`. */
export function signedHeaders(
  signingSecret: string,
  rawBody: string,
  options: SignOptions = {},
): Record<string, string> {
  const timestampSec = options.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': options.contentType ?? FORM_CONTENT_TYPE,
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': slackSignature(signingSecret, timestampSec, rawBody),
  };
}

export interface SlashCommandFields {
  text: string;
  teamId: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  triggerId: string;
  command: string;
}

let triggerCounter = 0;

/** Returns a unique trigger id, as Slack gives each use of a command or button. */
export function nextTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}.${triggerCounter}.a1b2c3d4e5f6`;
}

/** Builds the form-encoded body of a slash command, with the fields Slack sends. */
export function slashCommandBody(fields: Partial<SlashCommandFields> & { responseUrl: string }) {
  const params = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.teamId ?? 'T0TEAM001',
    team_domain: 'test-team',
    channel_id: fields.channelId ?? 'C0CHAN001',
    channel_name: 'ops',
    user_id: fields.userId ?? 'U0USER001',
    user_name: 'alice',
    command: fields.command ?? '/drumbeat',
    text: fields.text ?? 'help',
    api_app_id: 'A0APP0001',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? nextTriggerId(),
  });
  return params.toString();
}

export interface ButtonPressFields {
  actionId: string;
  value: string;
  teamId: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  triggerId: string;
  messageTs: string;
  messageText: string;
}

/** Builds a `block_actions` payload for a press of one button on a message. */
export function buttonPressPayload(fields: Partial<ButtonPressFields> & { responseUrl: string }) {
  const teamId = fields.teamId ?? 'T0TEAM001';
  const channelId = fields.channelId ?? 'C0CHAN001';
  const messageTs = fields.messageTs ?? '1718000000.000100';
  const actionId = fields.actionId ?? 'drumbeat:acknowledge';
  return {
    type: 'block_actions',
    user: { id: fields.userId ?? 'U0USER001', username: 'alice', name: 'alice', team_id: teamId },
    api_app_id: 'A0APP0001',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: false,
    },
    trigger_id: fields.triggerId ?? nextTriggerId(),
    team: { id: teamId, domain: 'test-team' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'ops' },
    message: { type: 'message', ts: messageTs, text: fields.messageText ?? 'backup is late' },
    response_url: fields.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Acknowledge' },
        value: fields.value ?? 'mon-1:inc-1',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** Builds the form-encoded body Slack sends for an interaction: one `payload` field of JSON. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackResponse {
  status: number;
  text: string;
  /** Milliseconds from sending the request to reading the whole response. */
  elapsedMs: number;
}

/** POSTs a signed body to `url`, with extra headers such as `x-slack-retry-num`. */
export async function postSigned(
  url: string,
  signingSecret: string,
  rawBody: string,
  options: SignOptions & { headers?: Record<string, string> } = {},
): Promise<SlackResponse> {
  const startedAt = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...signedHeaders(signingSecret, rawBody, options), ...options.headers },
    body: rawBody,
  });
  const text = await response.text();
  return { status: response.status, text, elapsedMs: performance.now() - startedAt };
}
