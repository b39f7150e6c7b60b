#!/usr/bin/env bash
# Pushed summaries: live heap per series, quiet (20,000 series of one observation) and busy (500 series of 2,000
# observations), and batches of 1000 summary observations: records/s and CPU a record, in alternating rounds. With
# BENCH_BASELINE_DLL=<path to another build's MetricCollector.Gateway.dll>, that build is measured beside this one in
# the same run (how the summaries kept by prometheus-net were compared with the collector's own, bench/README.md).
# Usage: bench/summary/run.sh [seconds, default 8] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-8}
rounds=${2:-3}
source bench/lib.sh
bench_build
bench_require_heap_tools
bench_require wrk wrk

declare -A dll=([this]=$bench_gateway_dll) port pid
builds=(this)
if [ -n "${BENCH_BASELINE_DLL:-}" ]; then dll[baseline]=$BENCH_BASELINE_DLL; builds=(baseline this); fi

# busy_body SERIES: one record of 1000 observations for series b<SERIES>.
busy_body() {
  awk -v s="$1" 'BEGIN { srand(s); printf "{\"metric_name\":\"busy_seconds\",\"metric_type\":\"summary\",\"labels\":{\"series\":\"b%d\"},\"values\":[", s
    for (i = 0; i < 1000; i++) printf "%s%.4f", (i ? "," : ""), rand() * 10; print "]}" }'
}

echo "| build | live heap per quiet series (B) | live heap per busy series (B) |"
echo "|---|---:|---:|"
for build in "${builds[@]}"; do
  port[$build]=$(bench_free_port)
  bench_start "gateway-$build" dotnet "${dll[$build]}" --urls "http://127.0.0.1:${port[$build]}" --proxy-config bench/proxy/proxy-config.json \
    "${bench_quiet[@]}" --MetricCollector:MaxSeries=100000 --MetricCollector:MaxSeriesPerMetric=100000
  pid[$build]=$bench_last_pid
  url=http://127.0.0.1:${port[$build]}
  bench_wait_for "$url/healthz" "$bench_work/gateway-$build.log"
  # warm-up: the record and exposition paths run once on a summary of another name
  curl -s -o /dev/null -H 'Content-Type: application/json' "$url/record" -d '[{"metric_name":"warm_seconds","metric_type":"summary","value":1}]'
  curl -s -o /dev/null "$url/metrics"; sleep 1
  heap0=$(bench_gc_heap "${pid[$build]}")
  bench_fill_gateway "${port[$build]}" summary 0 20000
  curl -s -o /dev/null "$url/metrics"; sleep 1
  heap1=$(bench_gc_heap "${pid[$build]}")
  for s in $(seq 1 500); do
    for _ in 1 2; do busy_body "$s" | curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @- "$url/record"; done
  done
  curl -s -o /dev/null "$url/metrics"; sleep 1
  heap2=$(bench_gc_heap "${pid[$build]}")
  quiet=$(awk -v a="$heap0" -v b="$heap1" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%.0f", (b - a) / 20000 }')
  busy=$(awk -v a="$heap1" -v b="$heap2" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%.0f", (b - a) / 500 }')
  echo "| $build | $quiet | $busy |"
  bench_figure "summary.$build.heap_per_quiet_series" "$quiet"
  bench_figure "summary.$build.heap_per_busy_series" "$busy"
  wrk -t1 -c8 -d3s -s bench/summary/batch.lua "$url/record" >/dev/null
done

echo
echo "| round | build | records/s | CPU a record (us) | non-2xx |"
echo "|---:|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for build in "${builds[@]}"; do
    before=$(awk '{ print $14 + $15 }' "/proc/${pid[$build]}/stat")
    read -r _ _ _ requests non2xx < <(bench_wrk 8 "$seconds" "http://127.0.0.1:${port[$build]}/record" bench/summary/batch.lua)
    after=$(awk '{ print $14 + $15 }' "/proc/${pid[$build]}/stat")
    records=$(awk -v n="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", n * 1000 / s }')
    cpu=$(awk -v a="$before" -v b="$after" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz * 1e6 / (n * 1000) }')
    echo "| $round | $build | $records | $cpu | $non2xx |"
    bench_figure "summary.$build.batch_records_per_second.round$round" "$records"
  done
done
