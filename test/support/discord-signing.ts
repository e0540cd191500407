// Interactions as Discord sends them: a test Ed25519 key pair, signed request headers, and
// payload builders for PING, application commands, autocomplete and button presses.

import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export interface TestKeyPair {
  /** The 32-byte public key as 64 hex characters, as the Developer Portal shows it. */
  publicKeyHex: string;
  privateKey: KeyObject;
}

/** Makes a fresh key pair, standing in for an application's own. */
export function generateTestKeyPair(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { publicKeyHex: Buffer.from(jwk.x ?? '', 'base64url').toString('hex'), privateKey };
}

/** Discord's signature: Ed25519 over the timestamp followed by the raw body, as hex. */
export function discordSignature(
  privateKey: KeyObject,
  timestamp: string,
  rawBody: string,
): string {
  return sign(null, Buffer.from(timestamp + rawBody, 'utf8'), privateKey).toString('hex');
}

export interface SignOptions {
  /** Defaults to the current time. */
  timestampSec?: number;
}

export function signedHeaders(keys: TestKeyPair, rawBody: string, options: SignOptions = {}) {
  const timestamp = String(options.timestampSec ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': discordSignature(keys.privateKey, timestamp, rawBody),
    'x-signature-timestamp': timestamp,
  };
}

export interface InteractionResponse {
  status: number;
  /** The parsed JSON body, or null when it was not JSON. */
  body: { type?: number; data?: Record<string, unknown> } | null;
  /** Milliseconds from sending the request to reading the whole response. */
  elapsedMs: number;
  /** `performance.now()` when the response was read. */
  receivedAt: number;
}

/** POSTs the payload to `url` with the headers given, or signed with `keys` when none are. */
export async function postInteraction(
  url: string,
  keys: TestKeyPair,
  payload: unknown,
  options: SignOptions & { headers?: Record<string, string> } = {},
): Promise<InteractionResponse> {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const startedAt = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: options.headers ?? signedHeaders(keys, rawBody, options),
    body: rawBody,
  });
  const text = await response.text();
  const receivedAt = performance.now();
  let body: InteractionResponse['body'] = null;
  try {
    body = JSON.parse(text) as InteractionResponse['body'];
  } catch {
    body = null;
  }
  return { status: response.status, body, elapsedMs: receivedAt - startedAt, receivedAt };
}

let counter = 0;

/** Makes a snowflake-like id, unique within a test run. */
export function nextId(): string {
  counter += 1;
  return `${(BigInt(Date.now() - 1_420_070_400_000) << 22n) | BigInt(counter)}`;
}

export interface Actor {
  applicationId: string;
  guildId: string;
  channelId: string;
  userId: string;
}

function base(actor: Actor, type: number, token = randomBytes(24).toString('base64url')) {
  return {
    id: nextId(),
    application_id: actor.applicationId,
    type,
    token,
    version: 1,
    guild_id: actor.guildId,
    channel_id: actor.channelId,
    channel: { id: actor.channelId, type: 0 },
    member: {
      user: { id: actor.userId, username: `user${actor.userId.slice(-4)}`, discriminator: '0' },
      roles: [],
      permissions: '2248473465835073',
    },
    app_permissions: '2248473465835073',
    locale: 'en-GB',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': actor.guildId },
    context: 0,
  };
}

export function pingPayload(applicationId: string) {
  return { id: nextId(), application_id: applicationId, type: 1, token: 'ping-token', version: 1 };
}

/** Options of a subcommand as Discord sends them: strings, unless given with a type. */
export type OptionValues = Record<string, string | { value: string; type: number }>;

function subcommandOptions(options: OptionValues, focused?: string) {
  return Object.entries(options).map(([name, option]) => ({
    name,
    type: typeof option === 'string' ? 3 : option.type,
    value: typeof option === 'string' ? option : option.value,
    ...(name === focused ? { focused: true } : {}),
  }));
}

/** Builds `/drumbeat <subcommand>` with its options. A `channel` option is sent as type 7. */
export function commandPayload(
  actor: Actor,
  subcommand: string,
  options: OptionValues = {},
  token?: string,
) {
  const typed: OptionValues = { ...options };
  if (typeof typed.channel === 'string') typed.channel = { value: typed.channel, type: 7 };
  return {
    ...base(actor, 2, token),
    data: {
      id: '1300000000000000001',
      name: 'drumbeat',
      type: 1,
      options: [{ name: subcommand, type: 1, options: subcommandOptions(typed) }],
    },
  };
}

export function autocompletePayload(
  actor: Actor,
  subcommand: string,
  options: OptionValues,
  focused: string,
) {
  return {
    ...base(actor, 4),
    data: {
      id: '1300000000000000001',
      name: 'drumbeat',
      type: 1,
      options: [{ name: subcommand, type: 1, options: subcommandOptions(options, focused) }],
    },
  };
}

/** Builds a press of the button `customId` on the message `messageId`. */
export function buttonPayload(actor: Actor, customId: string, messageId: string, token?: string) {
  return {
    ...base(actor, 3, token),
    data: { custom_id: customId, component_type: 2 },
    message: {
      id: messageId,
      channel_id: actor.channelId,
      type: 0,
      content: '',
      embeds: [],
      components: [],
    },
  };
}
