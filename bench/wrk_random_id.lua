-- GET <prefix><random id>: wrk -s wrk_random_id.lua URL -- /api/v1/contacts/ 1000000
local prefix, max_id

function init(args)
  prefix = args[1]
  max_id = tonumber(args[2])
  math.randomseed(7)
end

function request()
  return wrk.format("GET", prefix .. math.random(1, max_id))
end
