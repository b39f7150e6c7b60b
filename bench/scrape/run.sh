#!/usr/bin/env bash
# Scrape benchmark: time to serve /metrics and its size with 1k, 10k and 100k pushed counter series, the gateway
# (filled through batched POST /record) against Pushgateway holding the same series (one text push). N sequential
# scrapes with curl each, with the Accept header of a plain text scraper, with the one a Prometheus server sends, and
# with that and the Accept-Encoding: gzip a Prometheus server also sends (size: the bytes sent, compressed).
# Usage: bench/scrape/run.sh [scrapes per case, default 30] [series counts, default "1000 10000 100000"]
set -euo pipefail
cd "$(dirname "$0")/../.."
scrapes=${1:-30}
read -r -a sizes <<< "${2:-1000 10000 100000}"
source bench/lib.sh
bench_build

gw=$(bench_free_port) pg=$(bench_free_port)
bench_start gateway dotnet "$bench_gateway_dll" --urls "http://127.0.0.1:$gw" --proxy-config bench/proxy/proxy-config.json \
  "${bench_quiet[@]}" --MetricCollector:MaxSeries=200000 --MetricCollector:MaxSeriesPerMetric=200000
bench_start_pushgateway "$pg"
bench_wait_for "http://127.0.0.1:$gw/healthz" "$bench_work/gateway.log"
bench_wait_for "http://127.0.0.1:$pg/-/ready"

declare -A accept=([text]='text/plain' [openmetrics]='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1')
accept[prometheus]=${accept[openmetrics]}
declare -A encoding=([text]=identity [openmetrics]=identity [prometheus]=gzip)
declare -A url=([gateway]="http://127.0.0.1:$gw/metrics" [pushgateway]="http://127.0.0.1:$pg/metrics")

# scrape TARGET FORMAT: "median_ms p99_ms size_bytes content_type" over $scrapes sequential scrapes (after 2 unmeasured).
scrape() {
  local i
  for i in 1 2; do curl -s -o /dev/null -H "Accept: ${accept[$2]}" -H "Accept-Encoding: ${encoding[$2]}" "${url[$1]}"; done
  for i in $(seq "$scrapes"); do
    curl -s -o /dev/null -H "Accept: ${accept[$2]}" -H "Accept-Encoding: ${encoding[$2]}" -w '%{time_total} %{size_download} %{content_type}\n' "${url[$1]}"
  done | sort -n | awk '{ t[NR] = $1 * 1000; s = $2; $1 = $2 = ""; ct = substr($0, 3) }
    END { p99 = int(NR * 0.99 + 0.999); if (p99 > NR) p99 = NR; gsub(/ /, "", ct)
          printf "%.1f %.1f %d %s\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[p99], s, ct }'
}

echo "| series | format asked | target | median (ms) | p99 (ms) | size (bytes) | median vs Pushgateway | content type answered |"
echo "|---:|---|---|---:|---:|---:|---:|---|"
filled=0
for n in "${sizes[@]}"; do
  start=$(date +%s.%N)
  bench_fill_gateway "$gw" counter "$filled" "$n"
  fill_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  bench_fill_pushgateway "$pg" counter "$n"
  filled=$n
  echo "$n series: gateway filled through /record in ${fill_s}s" >&2
  for format in text openmetrics prometheus; do
    declare -A median=() p99=() size=() ctype=()
    for target in gateway pushgateway; do
      read -r median[$target] p99[$target] size[$target] ctype[$target] < <(scrape "$target" "$format")
      bench_figure "scrape.$target.$format.$n.median_ms" "${median[$target]}"
      bench_figure "scrape.$target.$format.$n.p99_ms" "${p99[$target]}"
      bench_figure "scrape.$target.$format.$n.bytes" "${size[$target]}"
    done
    for target in gateway pushgateway; do
      echo "| $n | $format | $target | ${median[$target]} | ${p99[$target]} | ${size[$target]} |" \
        "$(bench_ratio "${median[$target]}" "${median[pushgateway]}" 2) | ${ctype[$target]} |"
    done
  done
done
echo
echo "$scrapes sequential scrapes per case with curl (time_total: connect to last byte), after 2 unmeasured;" \
  "gateway with --MetricCollector:MaxSeries=200000 --MetricCollector:MaxSeriesPerMetric=200000; the gateway's own metrics and Pushgateway's go_*/process_*/push_* series are included in the sizes."
