-- A batch of records per request (BENCH_BATCH_SIZE, default 100): counters, gauges and histogram observations over a
-- bounded set of series.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local size = tonumber(os.getenv("BENCH_BATCH_SIZE") or "100")
local parts = {}
for i = 1, size do
  local kind = i % 4
  if kind == 0 then
    parts[i] = string.format('{"metric_name":"bench_batch_jobs","metric_type":"counter","value":1,"labels":{"step_id":"s%d"}}', i % 20)
  elseif kind == 1 then
    parts[i] = string.format('{"metric_name":"bench_batch_free","metric_type":"gauge","value":%d,"labels":{"pool_name":"p%d"}}', i, i % 10)
  else
    parts[i] = string.format('{"metric_name":"bench_batch_seconds","metric_type":"histogram","value":0.%03d,"labels":{"step_id":"s%d"}}', i % 1000, i % 20)
  end
end
wrk.body = "[" .. table.concat(parts, ",") .. "]"
