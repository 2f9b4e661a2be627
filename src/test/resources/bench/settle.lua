-- The Redis baseline of the load benchmark (issue 6): Headroom's settlement of one usage report —
-- idempotent per request id, cost from token prices, included windows charged first, the rest
-- extra spend of member and org, the event appended to the org's log. Not durable.
-- KEYS: org hash, member hash, request-id key, org event log.
-- ARGV: now (ms), content hash, input tokens, output tokens, input price, output price (nanos per
--       token), session allowance, session duration (ms), weekly allowance, weekly duration (ms).
local previous = redis.call('GET', KEYS[3])
if previous then
  if previous == ARGV[2] then return 'DUPLICATE' end
  return redis.error_reply('CONFLICT request id reported with other content')
end
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[3]) * tonumber(ARGV[5]) + tonumber(ARGV[4]) * tonumber(ARGV[6])
local m = redis.call('HMGET', KEYS[2], 's_start', 's_used', 'w_start', 'w_used')
local function window(allowance, duration, start, used)
  if not start or now >= tonumber(start) + duration then return now, 0, allowance end
  return tonumber(start), tonumber(used), allowance - tonumber(used)
end
local s_start, s_used, s_left = window(tonumber(ARGV[7]), tonumber(ARGV[8]), m[1], m[2])
local w_start, w_used, w_left = window(tonumber(ARGV[9]), tonumber(ARGV[10]), m[3], m[4])
local included = math.max(0, math.min(cost, s_left, w_left))
local extra = cost - included
redis.call('HSET', KEYS[2], 's_start', s_start, 's_used', s_used + included,
  'w_start', w_start, 'w_used', w_used + included)
if extra > 0 then
  redis.call('HINCRBY', KEYS[2], 'extra', extra)
  redis.call('HINCRBY', KEYS[1], 'spent', extra)
end
redis.call('SET', KEYS[3], ARGV[2])
redis.call('RPUSH', KEYS[4], KEYS[3] .. ':' .. cost .. ':' .. included .. ':' .. extra)
return {included, extra}
