// Lua scripts for the steps that must be atomic. Each declares every key it touches.

import type { Redis } from 'ioredis';

/**
 * Reads a monitor and counts a ping against its rate window in one round trip.
 * KEYS: monitor, rate window. ARGV: window seconds, rate limit (0: count nothing).
 * Returns {value or false, count}.
 */
export const READ_FOR_PING = `
local value = redis.call('GET', KEYS[1])
if not value then return {false, 0} end
local limit = tonumber(ARGV[2])
if limit == 0 then return {value, 0} end
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1]) * 2) end
return {value, count}
`;

/**
 * Writes monitors whose generation is still the one the caller read (compare-and-set), each
 * in the same step as its ping, its closed incidents and its queued effects. Several writes
 * share one call, so that the pings that arrive together take one round trip. With a rate
 * limit, an item first counts its ping against the monitor's rate window, as READ_FOR_PING
 * does, and writes nothing past the limit.
 * KEYS, 6 per item: monitor, pings, incidents, outbox, outbox-pending set, rate window.
 * ARGV per item: its number of values first. Then expected generation, new generation, new
 *   record JSON, ping ('' for none), ping cap, incident cap, monitor id, rate limit (0: count
 *   nothing) and rate window seconds. Last the number of effects, the effect JSON strings and
 *   the archived incident JSON strings. The record keeps its stored armedAt.
 * Returns one reply per item: {'written', armedAt}, {'conflict', current value} when the
 * generation differs, {'rate_limited', count}, {'deleted'}, or {'failed', message} when the
 * item raised an error, which leaves the other items unaffected.
 */
export const COMPARE_AND_SET = `
local function write(k, a)
  local current = redis.call('GET', KEYS[k + 1])
  if not current then return {'deleted'} end
  local limit = tonumber(ARGV[a + 8])
  if limit > 0 then
    local count = redis.call('INCR', KEYS[k + 6])
    if count == 1 then redis.call('EXPIRE', KEYS[k + 6], tonumber(ARGV[a + 9]) * 2) end
    if count > limit then return {'rate_limited', count} end
  end
  local generation, armed = string.match(current, '^(%d+)|([^|]*)|')
  if generation ~= ARGV[a + 1] then return {'conflict', current} end
  redis.call('SET', KEYS[k + 1], ARGV[a + 2] .. '|' .. armed .. '|' .. ARGV[a + 3])
  if ARGV[a + 4] ~= '' then
    redis.call('LPUSH', KEYS[k + 2], ARGV[a + 4])
    redis.call('LTRIM', KEYS[k + 2], 0, tonumber(ARGV[a + 5]) - 1)
  end
  local effects = tonumber(ARGV[a + 10])
  for i = a + 11, a + 10 + effects do redis.call('RPUSH', KEYS[k + 4], ARGV[i]) end
  if effects > 0 then redis.call('SADD', KEYS[k + 5], ARGV[a + 7]) end
  local last = a + tonumber(ARGV[a])
  for i = a + 11 + effects, last do redis.call('LPUSH', KEYS[k + 3], ARGV[i]) end
  if last >= a + 11 + effects then
    redis.call('LTRIM', KEYS[k + 3], 0, tonumber(ARGV[a + 6]) - 1)
  end
  return {'written', armed}
end

local replies = {}
local a = 1
for k = 0, #KEYS - 1, 6 do
  local ok, reply = pcall(write, k, a)
  if ok then replies[#replies + 1] = reply
  elseif type(reply) == 'table' and reply.err then replies[#replies + 1] = {'failed', reply.err}
  else replies[#replies + 1] = {'failed', tostring(reply)} end
  a = a + 1 + tonumber(ARGV[a])
end
return replies
`;

/**
 * Moves a monitor's deadline job time from `expected` to `next` if it is still `expected`.
 * KEYS: monitor, armed sorted set. ARGV: expected armedAt ('' for none), next ('' for none),
 * monitor id. Returns 1 when moved, 0 when another step moved it first or the monitor is gone.
 */
export const SET_ARMED = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local generation, armed, json = string.match(current, '^(%d+)|([^|]*)|(.*)$')
if armed ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], generation .. '|' .. ARGV[2] .. '|' .. json)
if ARGV[2] == '' then
  redis.call('ZREM', KEYS[2], ARGV[3])
else
  redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[3])
end
return 1
`;

/**
 * Creates a monitor unless its name is taken in the team.
 * KEYS: team names, monitor, token index, all monitors. ARGV: name, id, value, token.
 * Returns 1, or 0 when the name is taken.
 */
export const CREATE_MONITOR = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
`;

/** A client with the store's scripts defined on it, as `defineScripts` does. */
export type ScriptRedis = Redis & {
  drumbeatReadForPing(
    k1: string,
    k2: string,
    window: number,
    limit: number,
  ): Promise<[string | null, number]>;
  drumbeatCompareAndSet(keyCount: number, ...args: (string | number)[]): Promise<unknown[]>;
  drumbeatSetArmed(
    k1: string,
    k2: string,
    expected: string,
    next: string,
    id: string,
  ): Promise<number>;
  drumbeatCreate(
    k1: string,
    k2: string,
    k3: string,
    k4: string,
    name: string,
    id: string,
    value: string,
    token: string,
  ): Promise<number>;
};

/** Defines the store's scripts as commands of `redis`, once per client. */
export function defineScripts(redis: Redis): void {
  if ('drumbeatCompareAndSet' in redis) return;
  redis.defineCommand('drumbeatReadForPing', { numberOfKeys: 2, lua: READ_FOR_PING });
  // The number of keys comes first in each call, because one call carries several writes.
  redis.defineCommand('drumbeatCompareAndSet', { lua: COMPARE_AND_SET });
  redis.defineCommand('drumbeatSetArmed', { numberOfKeys: 2, lua: SET_ARMED });
  redis.defineCommand('drumbeatCreate', { numberOfKeys: 4, lua: CREATE_MONITOR });
}
