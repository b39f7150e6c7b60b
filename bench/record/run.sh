#!/usr/bin/env bash
# Ingestion benchmark: POST /record against a running gateway (Release), single records and batches of 100, with wrk;
# then checks that /metrics accepted exactly what wrk sent. Usage: bench/record/run.sh [seconds, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
work=$(mktemp -d)
gateway=""
cleanup() { [ -n "$gateway" ] && kill "$gateway" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll --urls http://127.0.0.1:18090 \
  --proxy-config bench/proxy/proxy-config.json --Logging:LogLevel:Default=Warning >"$work/gateway.log" 2>&1 &
gateway=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && break; sleep 0.2; done

run() { # script -> "requests/s p50_us p99_us requests"
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "bench/record/$1" http://127.0.0.1:18090/record | awk '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) } / requests in / { n = $1 }
    / Non-2xx/ { bad = $NF } END { printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, n, bad }'
}
wrk -t1 -c"$connections" -d3s -s bench/record/batch.lua http://127.0.0.1:18090/record >/dev/null  # JIT warm-up
accepted_before=$(curl -s http://127.0.0.1:18090/metrics | awk '/^metric_collector_records_total\{result="accepted"/ { print $2 }')
read -r s_rps s_p50 s_p99 s_n s_bad < <(run single.lua)
read -r b_rps b_p50 b_p99 b_n b_bad < <(run batch.lua)
accepted_after=$(curl -s http://127.0.0.1:18090/metrics | awk '/^metric_collector_records_total\{result="accepted"/ { print $2 }')

echo "| body | requests/s | records/s | p50 (us) | p99 (us) | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| 1 record | $s_rps | $s_rps | $s_p50 | $s_p99 | ${s_bad:-0} |"
echo "| batch of 100 | $b_rps | $(( b_rps * 100 )) | $b_p50 | $b_p99 | ${b_bad:-0} |"
echo
sent=$(( s_n + b_n * 100 ))
echo "wrk sent $sent records ($s_n single requests, $b_n batches); /metrics accepted $(awk -v a="$accepted_after" -v b="$accepted_before" 'BEGIN { printf "%d", a - b }')"
