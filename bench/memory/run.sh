#!/usr/bin/env bash
# Memory benchmark: bytes per pushed series (counter, and histogram with the 14 default buckets) at N series, the
# gateway against Pushgateway holding the same series. Each case runs in a fresh process: warm up, measure, push N
# series, measure again; bytes per series = growth / N.
# Gateway: VmRSS (/proc/<pid>/status) and, when dotnet-gcdump and dotnet-counters are installed or can be, the live
# GC heap after a forced full GC. Pushgateway: VmRSS and Go's live heap at its last GC (gctrace), after scrapes.
# Usage: bench/memory/run.sh [series, default 100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
series=${1:-100000}
source bench/lib.sh
bench_build

bench_require_heap_tools
per() { awk -v a="$1" -v b="$2" -v n="$series" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%.0f", (b - a) / n }'; }

echo "| target | series type | series | RSS before (MiB) | RSS after (MiB) | RSS bytes per series | heap bytes per series | heap measured as |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for type in counter histogram; do
  port=$(bench_free_port)
  bench_start "gateway-$type" dotnet "$bench_gateway_dll" --urls "http://127.0.0.1:$port" --proxy-config bench/proxy/proxy-config.json \
    "${bench_quiet[@]}" --MetricCollector:MaxSeries=$(( series * 2 )) --MetricCollector:MaxSeriesPerMetric=$(( series * 2 ))
  pid=$bench_last_pid
  bench_wait_for "http://127.0.0.1:$port/healthz" "$bench_work/gateway-$type.log"
  # warm-up: the record and exposition paths run once (JIT, buffers) on a metric of another name
  curl -s -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$port/record" \
    -d "[{\"metric_name\":\"bench_warm\",\"metric_type\":\"$type\",\"value\":1}]"
  curl -s -o /dev/null "http://127.0.0.1:$port/metrics"
  sleep 1
  heap0=$(bench_gc_heap "$pid"); rss0=$(bench_rss_kb "$pid")
  bench_fill_gateway "$port" "$type" 0 "$series"
  sleep 2
  rss1=$(bench_rss_kb "$pid"); heap1=$(bench_gc_heap "$pid")
  rss_per=$(per $(( rss0 * 1024 )) $(( rss1 * 1024 ))) heap_per=$(per "$heap0" "$heap1")
  echo "| gateway | $type | $series | $(( rss0 / 1024 )) | $(( rss1 / 1024 )) | $rss_per | $heap_per | live GC heap after a forced full GC |"
  bench_figure "memory.gateway.$type.rss_per_series" "$rss_per"
  bench_figure "memory.gateway.$type.heap_per_series" "$heap_per"
  bench_stop "$pid"

  port=$(bench_free_port)
  GODEBUG=gctrace=1 bench_start_pushgateway "$port"; pid=$bench_last_pid
  bench_wait_for "http://127.0.0.1:$port/-/ready"
  # Go's live heap as marked by its last GC (gctrace "A->B->C MB": C), after scrapes that make it collect
  live_heap() {
    for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; sleep 0.5; done
    awk '/^gc [0-9]+ @/ { for (i = 1; i <= NF; i++) if ($i ~ /->.*->/ && $(i + 1) == "MB,") { split($i, m, "->"); live = m[3] } }
         END { printf "%.0f", live * 1048576 }' "$bench_work/pushgateway-$port.log"
  }
  bench_fill_pushgateway "$port" "$type" 1
  sleep 1
  heap0=$(live_heap); rss0=$(bench_rss_kb "$pid")
  bench_fill_pushgateway "$port" "$type" "$series" 100
  sleep 2
  rss1=$(bench_rss_kb "$pid"); heap1=$(live_heap)
  rss_per=$(per $(( rss0 * 1024 )) $(( rss1 * 1024 ))) heap_per=$(per "$heap0" "$heap1")
  echo "| pushgateway | $type | $series | $(( rss0 / 1024 )) | $(( rss1 / 1024 )) | $rss_per | $heap_per | live heap at its last GC (GODEBUG=gctrace=1) |"
  bench_figure "memory.pushgateway.$type.rss_per_series" "$rss_per"
  bench_figure "memory.pushgateway.$type.heap_per_series" "$heap_per"
  bench_stop "$pid"
done
echo
echo "Where a gateway series' heap bytes go (bench/MetricCollector.Benchmarks --retained: GC.GetTotalMemory(true) before" \
  "and after creating the series in-process, no HTTP; the collector figure is what the gateway holds per series):"
echo
dotnet bench/MetricCollector.Benchmarks/bin/Release/net10.0/MetricCollector.Benchmarks.dll --retained "$series"
echo
echo "Each case in a fresh process; series pushed in batches of 1000 (gateway: POST /record; Pushgateway: 100 PUTs of" \
  "$(( series / 100 )) series, one group each). A histogram series is one label set: 14 buckets + +Inf, _sum, _count."
