import type { Cluster, Redis } from 'ioredis';

type RedisClient = Redis | Cluster;

/**
 * Oldest Redis that Drumbeat accepts. BullMQ 6 rejects Redis older than 5.0.0 and recommends
 * 6.2.0 or newer (`RedisConnection.recommendedMinimumVersion`), so Drumbeat requires 6.2.0.
 */
export const MIN_REDIS_VERSION = '6.2.0';

export interface RedisSettingsInfo {
  /** `redis_version` from INFO, or null when INFO does not report it. */
  version: string | null;
  /** null when neither CONFIG GET nor INFO reports it. */
  maxmemoryPolicy: string | null;
  appendonly: boolean | null;
  /** RDB snapshot rules (`save`): '' when off, null when CONFIG is disabled. */
  save: string | null;
  hz: number | null;
  /** False when CONFIG is disabled or renamed, as on some managed services. */
  configAvailable: boolean;
}

export interface RedisSettingsReport {
  /** False when a problem would make Drumbeat lose or miss deadlines. */
  ok: boolean;
  /** Settings that must change. Each message names the setting and the fix. */
  problems: string[];
  /** Settings that work but risk data on a restart. */
  warnings: string[];
  info: RedisSettingsInfo;
}

/** Parses INFO output into its `name:value` fields, across all sections. */
function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Compares dotted versions numerically: `compareVersions('6.10.0', '6.2.0') > 0`. */
export function compareVersions(left: string, right: string): number {
  const a = left.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const b = right.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Returns CONFIG GET `name`, or undefined when CONFIG is disabled or renamed. */
async function configGet(redis: RedisClient, name: string): Promise<string | undefined> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', name)) as string[];
    return reply[1];
  } catch (error) {
    if (error instanceof Error && /unknown command|NOPERM/i.test(error.message)) return undefined;
    throw error;
  }
}

async function readSettings(redis: RedisClient): Promise<RedisSettingsInfo> {
  const info = parseInfo(await redis.info());
  const policy = await configGet(redis, 'maxmemory-policy');
  const configAvailable = policy !== undefined;
  const save = configAvailable ? await configGet(redis, 'save') : undefined;
  const hz = info.get('hz');

  // INFO's aof_enabled is 1 once AOF is on, like CONFIG GET appendonly, so it serves for both.
  const aofEnabled = info.get('aof_enabled');
  const appendonly = aofEnabled === undefined ? null : aofEnabled === '1';

  return {
    version: info.get('redis_version') ?? null,
    maxmemoryPolicy: policy ?? info.get('maxmemory_policy') ?? null,
    appendonly,
    save: save ?? null,
    hz: hz !== undefined ? Number(hz) : null,
    configAvailable,
  };
}

function findProblems(info: RedisSettingsInfo): string[] {
  const problems: string[] = [];
  if (info.version !== null && compareVersions(info.version, MIN_REDIS_VERSION) < 0) {
    problems.push(
      `Redis ${info.version} is older than ${MIN_REDIS_VERSION}, the oldest version BullMQ ` +
        'recommends. Upgrade Redis, or set REDIS_URL to a newer one.',
    );
  }
  if (info.maxmemoryPolicy !== null && info.maxmemoryPolicy !== 'noeviction') {
    problems.push(
      `Redis maxmemory-policy is ${info.maxmemoryPolicy}, so Redis may delete deadline jobs and ` +
        'monitors when memory runs low. Run CONFIG SET maxmemory-policy noeviction, ' +
        'or set maxmemory-policy noeviction in redis.conf.',
    );
  }
  return problems;
}

function findWarnings(info: RedisSettingsInfo): string[] {
  if (info.appendonly !== false) return [];
  if (info.save === '') {
    return [
      'Redis persistence is off (appendonly no, and no RDB save rules). Deadlines are rebuilt ' +
        'at start, but pings and monitors are lost when Redis restarts. Run CONFIG SET ' +
        'appendonly yes, or set appendonly yes in redis.conf.',
    ];
  }
  return [
    'Redis AOF persistence is off (appendonly no), so pings and monitor changes since the last ' +
      'RDB snapshot are lost when Redis restarts. Run CONFIG SET appendonly yes, or set ' +
      'appendonly yes in redis.conf.',
  ];
}

/**
 * Returns the problem of a database number that this Redis does not have, or null. ioredis
 * selects the database of the URL when it connects, but when Redis rejects the SELECT it only
 * emits an error and goes on in database 0, where the commands would then go.
 */
async function databaseProblem(redis: RedisClient): Promise<string | null> {
  const db = 'db' in redis.options ? (redis.options.db ?? 0) : 0;
  if (db === 0) return null;
  try {
    await redis.select(db);
    return null;
  } catch (error) {
    if (!(error instanceof Error && /DB index is out of range/i.test(error.message))) throw error;
    return (
      `REDIS_URL selects database ${db}, which this Redis does not have. Use a database ` +
      'number below its databases setting (16 unless changed), or leave the number out for 0.'
    );
  }
}

/**
 * Reads the Redis settings Drumbeat depends on and reports what is wrong. A policy that evicts
 * keys, a Redis older than 6.2 or a database number it does not have is a problem, and
 * persistence that is off is a warning.
 */
export async function checkRedisSettings(redis: RedisClient): Promise<RedisSettingsReport> {
  const database = await databaseProblem(redis);
  const info = await readSettings(redis);
  const problems = database === null ? findProblems(info) : [database, ...findProblems(info)];
  return { ok: problems.length === 0, problems, warnings: findWarnings(info), info };
}
