// Drumbeat's environment variables, what each one accepts, and the message for a rejected value.
import { z } from 'zod';

/** Process roles: `web` serves HTTP, `worker` runs the BullMQ workers. */
export type Role = 'web' | 'worker';
export const ROLES: readonly Role[] = ['web', 'worker'];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_PORT = 3000;
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';
export const DEFAULT_PING_BODY_LIMIT_BYTES = 100 * 1024;
const MAX_PING_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
// Two pings a second leaves room for a start and a finish ping from a job that runs every second.
export const DEFAULT_PING_RATE_PER_MINUTE = 120;
const MAX_PING_RATE_PER_MINUTE = 100_000;
export const DEFAULT_DOWNTIME_THRESHOLD_MS = 30_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 15_000;
// BullMQ's default is 30 s, with which a killed worker's jobs ran again up to a minute later.
// A running job's lock is renewed every half of this.
export const DEFAULT_JOB_LOCK_MS = 5000;
export const DEFAULT_STOP_TIMEOUT_MS = 25_000;
const MAX_TIMING_MS = 3_600_000;

function wholeNumber(min: number, max: number) {
  return z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
}

const httpUrl = z.url({ protocol: /^https?$/ });
const noWhitespace = z.string().regex(/^\S+$/);
const snowflake = z.string().regex(/^\d{1,20}$/);

export const envSchema = z.object({
  PORT: wholeNumber(1, 65535).optional(),
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/)
    .optional(),
  PUBLIC_URL: httpUrl
    .refine((value) => !value.includes('?') && !value.includes('#'))
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  // The path, when there is one, is the database number.
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .refine((value) => URL.canParse(value) && /^\/?(\d+)?$/.test(new URL(value).pathname))
    .optional(),
  SLACK_SIGNING_SECRET: noWhitespace.optional(),
  SLACK_BOT_TOKEN: noWhitespace.startsWith('xoxb-').optional(),
  SLACK_APP_TOKEN: noWhitespace.startsWith('xapp-').optional(),
  SLACK_API_URL: httpUrl.transform((value) => value.replace(/\/*$/, '/')).optional(),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((value) => value.toLowerCase())
    .optional(),
  DISCORD_BOT_TOKEN: noWhitespace.optional(),
  DISCORD_API_URL: httpUrl.transform((value) => value.replace(/\/+$/, '')).optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  LOG_LEVEL: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .optional(),
  DRUMBEAT_ROLES: z
    .string()
    .transform((value) => value.split(',').map((role) => role.trim().toLowerCase()))
    .pipe(z.array(z.enum(ROLES)).min(1))
    .transform((roles) => ROLES.filter((role) => roles.includes(role)))
    .optional(),
  // Keys look like `<prefix>:m:{<monitor id>}`, so braces in the prefix would break hash tags.
  DRUMBEAT_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .optional(),
  PING_BODY_LIMIT_BYTES: wholeNumber(0, MAX_PING_BODY_LIMIT_BYTES).optional(),
  PING_RATE_PER_MINUTE: wholeNumber(0, MAX_PING_RATE_PER_MINUTE).optional(),
  DRUMBEAT_DOWNTIME_THRESHOLD_MS: wholeNumber(1000, MAX_TIMING_MS).optional(),
  DRUMBEAT_SWEEP_INTERVAL_MS: wholeNumber(100, MAX_TIMING_MS).optional(),
  DRUMBEAT_JOB_LOCK_MS: wholeNumber(500, MAX_TIMING_MS).optional(),
  DRUMBEAT_STOP_TIMEOUT_MS: wholeNumber(1000, MAX_TIMING_MS).optional(),
  DATA_DIR: z.string().optional(),
});

export type VariableName = keyof z.infer<typeof envSchema>;
export type ParsedEnv = z.infer<typeof envSchema>;

interface VariableHelp {
  /** Completes "must be …". */
  expected: string;
  /** A valid value for the "Set NAME=…" hint. */
  example: string;
  /** Formatter of the rejected value for messages. Secrets are never shown. */
  show?: (value: string) => string;
}

const hideSecret = (value: string) =>
  `a value of ${value.length} characters (not shown because it is secret)`;

const HELP: Record<VariableName, VariableHelp> = {
  PORT: { expected: 'a whole number from 1 to 65535', example: '3000' },
  HOST: { expected: 'a host name or IP address', example: '127.0.0.1' },
  PUBLIC_URL: {
    expected: 'an http:// or https:// URL with no query or fragment',
    example: 'https://drumbeat.example.com',
  },
  REDIS_URL: {
    expected:
      'a redis:// or rediss:// URL, with a port from 1 to 65535 and at most a database number after it',
    example: 'redis://127.0.0.1:6379',
    show: showWithoutCredentials,
  },
  SLACK_SIGNING_SECRET: {
    expected: "the Slack app's signing secret, with no spaces",
    example: '<signing secret from the Basic Information page>',
    show: hideSecret,
  },
  SLACK_BOT_TOKEN: {
    expected: 'a Slack bot token, which starts with xoxb-',
    example: 'xoxb-<bot token from the OAuth & Permissions page>',
    show: hideSecret,
  },
  SLACK_APP_TOKEN: {
    expected: 'a Slack app-level token, which starts with xapp-',
    example: 'xapp-<app-level token with the connections:write scope>',
    show: hideSecret,
  },
  SLACK_API_URL: { expected: 'an http:// or https:// URL', example: DEFAULT_SLACK_API_URL },
  DISCORD_APPLICATION_ID: { expected: 'a numeric Discord id', example: '<application id>' },
  DISCORD_PUBLIC_KEY: {
    expected: 'the application public key, 64 hexadecimal characters',
    example: '<public key from the General Information page>',
  },
  DISCORD_BOT_TOKEN: {
    expected: 'a Discord bot token without the "Bot " prefix',
    example: '<bot token from the Bot page>',
    show: hideSecret,
  },
  DISCORD_API_URL: { expected: 'an http:// or https:// URL', example: DEFAULT_DISCORD_API_URL },
  DISCORD_GUILD_ID: { expected: 'a numeric Discord id', example: '<server id>' },
  LOG_LEVEL: { expected: `one of ${LOG_LEVELS.join(', ')}`, example: 'info' },
  DRUMBEAT_ROLES: { expected: 'a comma-separated list of web and worker', example: 'web,worker' },
  DRUMBEAT_KEY_PREFIX: {
    expected: '1 to 64 letters, digits, or the characters _ . : -',
    example: 'drumbeat',
  },
  PING_BODY_LIMIT_BYTES: {
    expected: `a whole number of bytes from 0 to ${MAX_PING_BODY_LIMIT_BYTES}`,
    example: String(DEFAULT_PING_BODY_LIMIT_BYTES),
  },
  PING_RATE_PER_MINUTE: {
    expected: `a whole number from 0 (no limit) to ${MAX_PING_RATE_PER_MINUTE}`,
    example: String(DEFAULT_PING_RATE_PER_MINUTE),
  },
  DRUMBEAT_DOWNTIME_THRESHOLD_MS: {
    expected: `a whole number of milliseconds from 1000 to ${MAX_TIMING_MS}`,
    example: String(DEFAULT_DOWNTIME_THRESHOLD_MS),
  },
  DRUMBEAT_SWEEP_INTERVAL_MS: {
    expected: `a whole number of milliseconds from 100 to ${MAX_TIMING_MS}`,
    example: String(DEFAULT_SWEEP_INTERVAL_MS),
  },
  DRUMBEAT_JOB_LOCK_MS: {
    expected: `a whole number of milliseconds from 500 to ${MAX_TIMING_MS}`,
    example: String(DEFAULT_JOB_LOCK_MS),
  },
  DRUMBEAT_STOP_TIMEOUT_MS: {
    expected: `a whole number of milliseconds from 1000 to ${MAX_TIMING_MS}`,
    example: String(DEFAULT_STOP_TIMEOUT_MS),
  },
  DATA_DIR: { expected: 'a directory path', example: './data' },
};

export const VARIABLES = Object.keys(HELP) as VariableName[];

function showWithoutCredentials(value: string): string {
  // A value that is no URL is shown only when it starts like one and has no user part, where a
  // password would be: anything else may be a secret pasted into the wrong variable.
  if (!URL.canParse(value)) {
    const startsLikeUrl = /^rediss?:\/\//.test(value) && !value.includes('@');
    return startsLikeUrl ? JSON.stringify(value) : hideSecret(value);
  }
  const url = new URL(value);
  if (url.password === '') return JSON.stringify(value);
  url.password = '***';
  return JSON.stringify(url.href);
}

function showValue(variable: VariableName, value: string): string {
  const show = HELP[variable].show;
  if (show) return show(value);
  const shortened = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shortened);
}

export function invalidValueMessage(variable: VariableName, value: string): string {
  const help = HELP[variable];
  return (
    `${variable}: must be ${help.expected}, got ${showValue(variable, value)}. ` +
    `Set ${variable}=${help.example} or leave it unset.`
  );
}

/** Keeps only Drumbeat's variables, trimmed, and treats blank ones (`PORT=`) as unset. */
export function pickVariables(env: NodeJS.ProcessEnv): Partial<Record<VariableName, string>> {
  const picked: Partial<Record<VariableName, string>> = {};
  for (const variable of VARIABLES) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') picked[variable] = value;
  }
  return picked;
}
