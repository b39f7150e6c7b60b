-- A batch of 1000 summary observations over 20 series (tool t0..t19), values spread over 0.000-0.999.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local parts = {}
for i = 1, 1000 do
  parts[i] = string.format('{"metric_name":"bench_tool_seconds","metric_type":"summary","value":0.%03d,"labels":{"tool":"t%d"}}', (i * 7919) % 1000, i % 20)
end
wrk.body = "[" .. table.concat(parts, ",") .. "]"
