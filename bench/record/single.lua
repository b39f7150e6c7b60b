-- One counter record per request, over 50 label values (a bounded set of series). The 50 requests are formatted
-- once, on the first call (wrk adds the Host header only after the script is loaded), so that wrk's share of the two
-- cores goes to sending them, not to building them.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local requests
local n = 0
request = function()
  if not requests then
    requests = {}
    for i = 0, 49 do
      requests[i] = wrk.format(nil, nil, nil, string.format('{"metric_name":"bench_single","metric_type":"counter","labels":{"pool_name":"p%d"}}', i))
    end
  end
  n = (n + 1) % 50
  return requests[n]
end
