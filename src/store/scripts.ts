// Lua scripts for the steps that must be atomic. Each declares every key it touches.

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
 * Writes a monitor if its generation is still the one the caller read (compare-and-set),
 * and in the same step stores the ping, archives closed incidents and queues effects.
 * KEYS: monitor, pings, incidents, outbox, outbox-pending set.
 * ARGV: expected generation, new value, ping ('' for none), ping cap, incident cap,
 *   monitor id, then effect JSON strings, then '--', then archived incident JSON strings.
 * Returns 1 on success, the current value when the generation differs, 0 when deleted.
 */
export const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local generation = string.match(current, '^(%d+)|')
if generation ~= ARGV[1] then return current end
local armed = string.match(current, '^%d+|([^|]*)|')
local header, json = string.match(ARGV[2], '^(%d+)|[^|]*|(.*)$')
redis.call('SET', KEYS[1], header .. '|' .. armed .. '|' .. json)
if ARGV[3] ~= '' then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1)
end
local i = 7
local queued = 0
while ARGV[i] and ARGV[i] ~= '--' do
  redis.call('RPUSH', KEYS[4], ARGV[i])
  queued = queued + 1
  i = i + 1
end
if queued > 0 then redis.call('SADD', KEYS[5], ARGV[6]) end
i = i + 1
local archived = 0
while ARGV[i] do
  redis.call('LPUSH', KEYS[3], ARGV[i])
  archived = archived + 1
  i = i + 1
end
if archived > 0 then redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1) end
return 1
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
 * KEYS: team names, monitor, token, all monitors. ARGV: name, id, value.
 * Returns 1, or 0 when the name is taken.
 */
export const CREATE_MONITOR = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
`;
