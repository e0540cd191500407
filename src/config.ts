import { resolve } from 'node:path';
import {
  DEFAULT_DISCORD_API_URL,
  DEFAULT_DOWNTIME_THRESHOLD_MS,
  DEFAULT_JOB_LOCK_MS,
  DEFAULT_PING_BODY_LIMIT_BYTES,
  DEFAULT_PING_RATE_PER_MINUTE,
  DEFAULT_PORT,
  DEFAULT_SLACK_API_URL,
  DEFAULT_STOP_TIMEOUT_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  envSchema,
  invalidValueMessage,
  type LogLevel,
  type ParsedEnv,
  pickVariables,
  ROLES,
  type Role,
  VARIABLES,
  type VariableName,
} from './config-variables.js';

export { LOG_LEVELS, type LogLevel, ROLES, type Role } from './config-variables.js';

/** Slack over HTTP (events at `/slack/events`, signed with the signing secret) or Socket Mode. */
export interface SlackConfig {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret: string | null;
  appToken: string | null;
  /** Web API base, always with a trailing slash, as @slack/web-api expects. */
  apiUrl: string;
}

export interface DiscordConfig {
  applicationId: string;
  /** Ed25519 public key of the application, 64 lowercase hex characters. */
  publicKey: string;
  botToken: string;
  /** REST API base without a trailing slash, as discord.js REST expects. */
  apiUrl: string;
  /** Guild that the slash commands are registered in, which takes effect at once. Null: global. */
  guildId: string | null;
}

export interface Config {
  port: number;
  /** Address the HTTP server binds to; undefined binds every interface, as Node does. */
  host: string | undefined;
  /** Base of the ping URLs shown to users, without a trailing slash. */
  publicUrl: string;
  /** Null when REDIS_URL is unset, so the Redis on 127.0.0.1:6379 or a private one is used. */
  redisUrl: string | null;
  slack: SlackConfig | null;
  discord: DiscordConfig | null;
  logLevel: LogLevel;
  /** Roles this process runs, without duplicates, in the order of `ROLES`. */
  roles: readonly Role[];
  keyPrefix: string;
  pingBodyLimitBytes: number;
  /** Pings a monitor may send per minute before it gets 429; 0 turns the limit off. */
  pingRatePerMinute: number;
  /** A gap in the web processes' heartbeat longer than this counts as Drumbeat's own downtime. */
  downtimeThresholdMs: number;
  /** How often the sweep repairs overdue deadlines and undrained outboxes. */
  sweepIntervalMs: number;
  /** How long a worker's lock on a running job lasts; a crashed worker's job runs again after it. */
  jobLockMs: number;
  /** How long a stop may take after SIGTERM before the process exits without finishing it. */
  stopTimeoutMs: number;
  /** Absolute path of the private Redis's data directory. */
  dataDir: string;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** One or more environment variables are invalid. The message has one line per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

function missingMessage(variable: string, setOnes: string[], fix: string): ConfigProblem {
  const verb = setOnes.length === 1 ? 'is' : 'are';
  return {
    variable,
    message: `${variable}: missing, but ${setOnes.join(' and ')} ${verb} set. ${fix}`,
  };
}

const DISCORD_CREDENTIALS = [
  'DISCORD_APPLICATION_ID',
  'DISCORD_PUBLIC_KEY',
  'DISCORD_BOT_TOKEN',
] as const;

/**
 * Checks the variables that only work together. It looks at presence only, so a variable that is
 * set but invalid is not reported as missing too.
 */
function checkGroups(raw: Partial<Record<VariableName, string>>): ConfigProblem[] {
  return [...checkSlackGroup(raw), ...checkDiscordGroup(raw)];
}

function checkSlackGroup(raw: Partial<Record<VariableName, string>>): ConfigProblem[] {
  const others = (['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const).filter((v) => raw[v]);
  if (!raw.SLACK_BOT_TOKEN && others.length > 0) {
    const fix =
      "Set SLACK_BOT_TOKEN to the app's bot token (xoxb-...), " +
      `or unset ${others.join(' and ')}.`;
    return [missingMessage('SLACK_BOT_TOKEN', others, fix)];
  }
  if (raw.SLACK_BOT_TOKEN && others.length === 0) {
    const fix =
      "Set SLACK_SIGNING_SECRET to the app's signing secret for events over HTTP, " +
      'or SLACK_APP_TOKEN (xapp-...) for Socket Mode.';
    return [missingMessage('SLACK_SIGNING_SECRET', ['SLACK_BOT_TOKEN'], fix)];
  }
  return [];
}

function checkDiscordGroup(raw: Partial<Record<VariableName, string>>): ConfigProblem[] {
  const present = DISCORD_CREDENTIALS.filter((variable) => raw[variable]);
  if (present.length === 0) return [];
  const fix = `Discord needs all three of ${DISCORD_CREDENTIALS.join(', ')}, or none.`;
  return DISCORD_CREDENTIALS.filter((variable) => !raw[variable]).map((variable) =>
    missingMessage(variable, [...present], fix),
  );
}

function buildConfig(env: ParsedEnv, cwd: string): Config {
  const port = env.PORT ?? DEFAULT_PORT;
  return {
    port,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    redisUrl: env.REDIS_URL ?? null,
    slack: buildSlack(env),
    discord: buildDiscord(env),
    logLevel: env.LOG_LEVEL ?? 'info',
    roles: env.DRUMBEAT_ROLES ?? ROLES,
    keyPrefix: env.DRUMBEAT_KEY_PREFIX ?? 'drumbeat',
    pingBodyLimitBytes: env.PING_BODY_LIMIT_BYTES ?? DEFAULT_PING_BODY_LIMIT_BYTES,
    pingRatePerMinute: env.PING_RATE_PER_MINUTE ?? DEFAULT_PING_RATE_PER_MINUTE,
    downtimeThresholdMs: env.DRUMBEAT_DOWNTIME_THRESHOLD_MS ?? DEFAULT_DOWNTIME_THRESHOLD_MS,
    sweepIntervalMs: env.DRUMBEAT_SWEEP_INTERVAL_MS ?? DEFAULT_SWEEP_INTERVAL_MS,
    jobLockMs: env.DRUMBEAT_JOB_LOCK_MS ?? DEFAULT_JOB_LOCK_MS,
    stopTimeoutMs: env.DRUMBEAT_STOP_TIMEOUT_MS ?? DEFAULT_STOP_TIMEOUT_MS,
    dataDir: resolve(cwd, env.DATA_DIR ?? './data'),
  };
}

function buildSlack(env: ParsedEnv): SlackConfig | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  return {
    // With both set, Socket Mode wins, because Drumbeat uses the app-level token for
    // nothing else.
    mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET ?? null,
    appToken: env.SLACK_APP_TOKEN ?? null,
    apiUrl: env.SLACK_API_URL ?? DEFAULT_SLACK_API_URL,
  };
}

function buildDiscord(env: ParsedEnv): DiscordConfig | null {
  if (!env.DISCORD_APPLICATION_ID || !env.DISCORD_PUBLIC_KEY || !env.DISCORD_BOT_TOKEN) return null;
  return {
    applicationId: env.DISCORD_APPLICATION_ID,
    publicKey: env.DISCORD_PUBLIC_KEY,
    botToken: env.DISCORD_BOT_TOKEN,
    apiUrl: env.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL,
    guildId: env.DISCORD_GUILD_ID ?? null,
  };
}

/**
 * Validates Drumbeat's environment variables and fills in the defaults. Blank variables count
 * as unset. Throws `ConfigError` listing every invalid variable, one line each, with the fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): Config {
  const raw = pickVariables(env);
  const result = envSchema.safeParse(raw);

  const problems: ConfigProblem[] = [];
  if (!result.success) {
    const invalid = new Set(result.error.issues.map((issue) => issue.path[0] as VariableName));
    for (const variable of VARIABLES.filter((v) => invalid.has(v))) {
      problems.push({ variable, message: invalidValueMessage(variable, raw[variable] ?? '') });
    }
  }
  problems.push(...checkGroups(raw));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);

  return buildConfig(result.data, options.cwd ?? process.cwd());
}

/** Summarises which chat platforms are configured, in one line for the start log. */
export function describePlatforms(config: Config): string {
  const parts: string[] = [];
  if (config.slack?.mode === 'http') parts.push('Slack (events over HTTP at /slack/events)');
  if (config.slack?.mode === 'socket') parts.push('Slack (Socket Mode)');
  if (config.discord) {
    const scope = config.discord.guildId
      ? `commands in server ${config.discord.guildId}`
      : 'global commands';
    parts.push(`Discord (${scope})`);
  }
  if (parts.length === 0) {
    return (
      'No chat platform is configured, so alerts go to the log. Set SLACK_BOT_TOKEN with ' +
      'SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) for Slack, or the three ' +
      'DISCORD_* credentials for Discord.'
    );
  }
  return `Chat platforms: ${parts.join(', ')}.`;
}
