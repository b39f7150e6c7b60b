#!/usr/bin/env bash
# Ingestion benchmark: POST /record against a running gateway (Release), single records and batches of 100 and 1000,
# with wrk; then checks that /metrics accepted what wrk sent.
# Usage: [BENCH_PORT=18090] bench/record/run.sh [seconds, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
port=${BENCH_PORT:-18090}  # another port when several checkouts run benchmarks at once
source bench/lib.sh
bench_require_tools

dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
bench_start gateway dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll \
  --urls http://127.0.0.1:$port --proxy-config bench/proxy/proxy-config.json --Logging:LogLevel:Default=Warning
bench_wait_for http://127.0.0.1:$port/healthz

accepted() { curl -s http://127.0.0.1:$port/metrics | awk '/^metric_collector_records_total\{result="accepted"/ { print $2 }'; }
# The gateway's own CPU time (user + system, in clock ticks): CPU per record does not depend on what else runs here.
gateway_pid=${bench_pids[-1]}
ticks() { awk '{ print $14 + $15 }' "/proc/$gateway_pid/stat"; }
# run LUA_SCRIPT RECORDS_PER_REQUEST: prints the wrk figures and the gateway's CPU microseconds per record.
run() {
  local t0 t1 rps p50 p99 n bad
  t0=$(ticks)
  read -r rps p50 p99 n bad < <(bench_wrk "$connections" "$seconds" "http://127.0.0.1:$port/record" "$1")
  t1=$(ticks)
  echo "$rps $p50 $p99 $n $bad $(awk -v t=$(( t1 - t0 )) -v hz="$(getconf CLK_TCK)" -v r=$(( n * $2 )) 'BEGIN { printf "%.2f", r ? t * 1e6 / hz / r : 0 }')"
}
bench_wrk "$connections" 3 "http://127.0.0.1:$port/record" bench/record/batch.lua >/dev/null  # JIT warm-up
before=$(accepted)
read -r s_rps s_p50 s_p99 s_n s_bad s_cpu < <(run bench/record/single.lua 1)
read -r b_rps b_p50 b_p99 b_n b_bad b_cpu < <(run bench/record/batch.lua 100)
read -r k_rps k_p50 k_p99 k_n k_bad k_cpu < <(BENCH_BATCH_SIZE=1000 run bench/record/batch.lua 1000)
after=$(accepted)

echo "| body | requests/s | records/s | p50 (us) | p99 (us) | non-2xx | gateway CPU per record (us) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| 1 record | $s_rps | $s_rps | $s_p50 | $s_p99 | $s_bad | $s_cpu |"
echo "| batch of 100 | $b_rps | $(( b_rps * 100 )) | $b_p50 | $b_p99 | $b_bad | $b_cpu |"
echo "| batch of 1000 | $k_rps | $(( k_rps * 1000 )) | $k_p50 | $k_p99 | $k_bad | $k_cpu |"
echo
echo "wrk counted $(( s_n + b_n * 100 + k_n * 1000 )) records answered ($s_n single requests, $b_n batches of 100, $k_n of 1000);" \
  "/metrics accepted $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }') (requests in flight when wrk stops are answered but not counted by wrk)"
