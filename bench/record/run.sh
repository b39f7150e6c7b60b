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
bench_wrk "$connections" 3 http://127.0.0.1:$port/record bench/record/batch.lua >/dev/null  # JIT warm-up
before=$(accepted)
read -r s_rps s_p50 s_p99 s_n s_bad < <(bench_wrk "$connections" "$seconds" http://127.0.0.1:$port/record bench/record/single.lua)
read -r b_rps b_p50 b_p99 b_n b_bad < <(bench_wrk "$connections" "$seconds" http://127.0.0.1:$port/record bench/record/batch.lua)
read -r k_rps k_p50 k_p99 k_n k_bad < <(BENCH_BATCH_SIZE=1000 bench_wrk "$connections" "$seconds" http://127.0.0.1:$port/record bench/record/batch.lua)
after=$(accepted)

echo "| body | requests/s | records/s | p50 (us) | p99 (us) | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| 1 record | $s_rps | $s_rps | $s_p50 | $s_p99 | $s_bad |"
echo "| batch of 100 | $b_rps | $(( b_rps * 100 )) | $b_p50 | $b_p99 | $b_bad |"
echo "| batch of 1000 | $k_rps | $(( k_rps * 1000 )) | $k_p50 | $k_p99 | $k_bad |"
echo
echo "wrk counted $(( s_n + b_n * 100 + k_n * 1000 )) records answered ($s_n single requests, $b_n batches of 100, $k_n of 1000);" \
  "/metrics accepted $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }') (requests in flight when wrk stops are answered but not counted by wrk)"
