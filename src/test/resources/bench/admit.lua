-- The Redis baseline of the load benchmark (issue 6): Headroom's admission decision for a
-- seat-based member, as many teams build it in front of a model API. Not durable.
-- KEYS: org hash, member hash. ARGV: now (ms), then name-less windows as allowance, duration (ms).
local now = tonumber(ARGV[1])
local m = redis.call('HMGET', KEYS[2], 'cap', 'extra', 's_start', 's_used', 'w_start', 'w_used')
local function remaining(allowance, duration, start, used)
  if not start or now >= tonumber(start) + duration then return allowance end
  return allowance - tonumber(used)
end
local included = math.min(
  remaining(tonumber(ARGV[2]), tonumber(ARGV[3]), m[3], m[4]),
  remaining(tonumber(ARGV[4]), tonumber(ARGV[5]), m[5], m[6]))
if included > 0 then return 'ALLOWED_INCLUDED' end
local o = redis.call('HMGET', KEYS[1], 'enabled', 'limit', 'spent')
if o[1] ~= '1' then return 'DENIED:EXTRA_USAGE_DISABLED' end
if o[2] and tonumber(o[3] or 0) >= tonumber(o[2]) then return 'DENIED:ORG_LIMIT_REACHED' end
if m[1] and tonumber(m[2] or 0) >= tonumber(m[1]) then return 'DENIED:MEMBER_CAP_REACHED' end
return 'ALLOWED_EXTRA'
