// Lua scripts for the steps that must be atomic. Each declares every key it touches.

import type { Redis } from 'ioredis';
import { perItemScript } from './write-batch.js';

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
 * Applies counter writes to hashes and lists, such as the digest history. A Lua function that
 * COMPARE_AND_SET and WRITE_COUNTERS share. `keyBase` is the index before the first of its keys
 * in KEYS. From index `a` on, `values` contains the number of keys h, h times to live in ms, the
 * cap of a sampled list and the number of writes. Then come five values per write: key number
 * (1 to h), op, field, value, extra. `add` adds to a hash field and `max` raises one. `sample`
 * keeps a uniform sample of at most the cap in a list: each value is kept until the list is
 * full, then it replaces a random entry with the probability that keeps the sample uniform. Its
 * field is the number of the hash whose `n` counts the values seen, and its extra a random
 * number in [0, 1). Every key gets its time to live afterwards.
 */
const COUNTER_WRITES_FUNCTION = `
local function write_counters(keyBase, values, a)
  local keyCount = tonumber(values[a])
  local cap = tonumber(values[a + keyCount + 1])
  local first = a + keyCount + 3
  local last = first + tonumber(values[a + keyCount + 2]) * 5 - 1
  for i = first, last, 5 do
    local key = KEYS[keyBase + tonumber(values[i])]
    local op = values[i + 1]
    if op == 'add' then
      redis.call('HINCRBY', key, values[i + 2], values[i + 3])
    elseif op == 'max' then
      local current = tonumber(redis.call('HGET', key, values[i + 2]) or '0')
      if tonumber(values[i + 3]) > current then redis.call('HSET', key, values[i + 2], values[i + 3]) end
    elseif op == 'sample' then
      local seen = redis.call('HINCRBY', KEYS[keyBase + tonumber(values[i + 2])], 'n', 1)
      if seen <= cap then
        redis.call('RPUSH', key, values[i + 3])
      else
        local index = math.floor(tonumber(values[i + 4]) * seen)
        if index < cap then redis.call('LSET', key, index, values[i + 3]) end
      end
    end
  end
  for k = 1, keyCount do redis.call('PEXPIRE', KEYS[keyBase + k], values[a + k]) end
end
`;

/** Applies one set of counter writes (see COUNTER_WRITES_FUNCTION), given in ARGV from 1 on. */
export const WRITE_COUNTERS = `${COUNTER_WRITES_FUNCTION}
write_counters(0, ARGV, 1)
return 1
`;

/**
 * Writes monitors whose generation is still the one the caller read (compare-and-set), each
 * in the same step as its ping, its closed incidents, its queued effects and its counter
 * writes (the digest history). Several writes share one call, so that the pings that arrive
 * together take one round trip. With a rate limit, an item first counts its ping against the
 * monitor's rate window, as READ_FOR_PING does, and writes nothing past the limit.
 * KEYS per item: monitor, pings, incidents, outbox, outbox-pending set, rate window, then the
 *   keys of its counter writes.
 * ARGV: one argument per item, its values joined by NUL bytes (see `packItem`). The values are
 *   its number of keys, expected generation, new generation, new record JSON, ping ('' for
 *   none), ping cap, incident cap, monitor id, rate limit (0: count nothing) and rate window
 *   seconds. Then come the number of effects and the effect JSON strings, the number of
 *   archived incidents and their JSON strings, and last the counter writes as
 *   COUNTER_WRITES_FUNCTION reads them. The record keeps its stored armedAt.
 * Returns one reply per item: {'written', armedAt}, also when the item finds that it was written
 * before (see written_before), {'conflict', current value} when the generation differs,
 * {'rate_limited', count}, {'deleted'}, or {'failed', message} when the item raised an error,
 * which leaves the other items unaffected.
 */
export const COMPARE_AND_SET = `${COUNTER_WRITES_FUNCTION}
local function unpack_item(packed)
  local values = {}
  local start = 1
  while true do
    local stop = string.find(packed, '\\0', start, true)
    if not stop then
      values[#values + 1] = string.sub(packed, start)
      return values
    end
    values[#values + 1] = string.sub(packed, start, stop - 1)
    start = stop + 1
  end
end

-- Whether this item was written already, when the monitor's generation is not the one it
-- expects. A client whose connection dropped before a reply sends the call again, and its items
-- then find their own writes: an item with a ping finds the ping in the history, where its id
-- makes it unique, and another item finds the record it writes. A ping that more pings than the
-- history keeps followed before the call came again is not found, and is stored twice.
local function written_before(k, v, current, generation, armed)
  if v[5] ~= '' then return redis.call('LPOS', KEYS[k + 2], v[5]) ~= false end
  return generation == v[3] and string.sub(current, #generation + #armed + 3) == v[4]
end

local function write(k, v)
  local current = redis.call('GET', KEYS[k + 1])
  if not current then return {'deleted'} end
  local generation, armed = string.match(current, '^(%d+)|([^|]*)|')
  if generation ~= v[2] and written_before(k, v, current, generation, armed) then
    return {'written', armed}
  end
  local limit = tonumber(v[9])
  if limit > 0 then
    local count = redis.call('INCR', KEYS[k + 6])
    if count == 1 then redis.call('EXPIRE', KEYS[k + 6], tonumber(v[10]) * 2) end
    if count > limit then return {'rate_limited', count} end
  end
  if generation ~= v[2] then return {'conflict', current} end
  redis.call('SET', KEYS[k + 1], v[3] .. '|' .. armed .. '|' .. v[4])
  if v[5] ~= '' then
    redis.call('LPUSH', KEYS[k + 2], v[5])
    redis.call('LTRIM', KEYS[k + 2], 0, tonumber(v[6]) - 1)
  end
  local i = 11
  local effects = tonumber(v[i])
  for j = i + 1, i + effects do redis.call('RPUSH', KEYS[k + 4], v[j]) end
  if effects > 0 then redis.call('SADD', KEYS[k + 5], v[8]) end
  i = i + effects + 1
  local archived = tonumber(v[i])
  for j = i + 1, i + archived do redis.call('LPUSH', KEYS[k + 3], v[j]) end
  if archived > 0 then redis.call('LTRIM', KEYS[k + 3], 0, tonumber(v[7]) - 1) end
  write_counters(k + 6, v, i + archived + 1)
  return {'written', armed}
end

local replies = {}
local k = 0
for n = 1, #ARGV do
  local v = unpack_item(ARGV[n])
  local ok, reply = pcall(write, k, v)
  if ok then replies[#replies + 1] = reply
  elseif type(reply) == 'table' and reply.err then replies[#replies + 1] = {'failed', reply.err}
  else replies[#replies + 1] = {'failed', tostring(reply)} end
  k = k + tonumber(v[1])
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
 * KEYS: team names, monitor, token index. ARGV: name, id, value, token.
 * Returns 1, or 0 when the name is taken.
 */
export const CREATE_MONITOR = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[2])
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
  drumbeatWriteCounters(keyCount: number, ...args: (string | number)[]): Promise<number>;
  drumbeatSetArmed(
    k1: string,
    k2: string,
    expected: string,
    next: string,
    id: string,
  ): Promise<number>;
  drumbeatSetArmedMany(keyCount: number, ...args: (string | number)[]): Promise<unknown[]>;
  drumbeatCreate(
    k1: string,
    k2: string,
    k3: string,
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
  redis.defineCommand('drumbeatWriteCounters', { lua: WRITE_COUNTERS });
  redis.defineCommand('drumbeatSetArmed', { numberOfKeys: 2, lua: SET_ARMED });
  redis.defineCommand('drumbeatSetArmedMany', { lua: perItemScript(SET_ARMED, 2, 3) });
  redis.defineCommand('drumbeatCreate', { numberOfKeys: 3, lua: CREATE_MONITOR });
}
