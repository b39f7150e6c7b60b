-- One counter record per request, over 50 label values (a bounded set of series).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"metric_name":"bench_single","metric_type":"counter","labels":{"pool_name":"p%d"}}', n % 50)
  return wrk.format(nil, nil, nil, body)
end
