#!/usr/bin/env bash
# Ingestion benchmark: single-record POST /record against Prometheus Pushgateway receiving the equivalent one-sample
# push (POST /metrics/job/bench/instance/x, body "bench_counter 1"), and batches of 100 records, with wrk; then checks
# that /metrics accepted what wrk sent. Batches of 100 and of 1000 (the most MaxBatchSize allows by default). A second
# gateway with Gateway:Server:InlineScheduling on (requests run on the socket threads; see bench/README.md, Tuning)
# takes the single records and the batches of 1000 in the same rounds.
# Usage: bench/record/run.sh [seconds, default 10] [connections, default 32] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
rounds=${3:-2}
warmup=${BENCH_WARMUP:-3}
source bench/lib.sh
bench_require_tools
bench_build

gw=$(bench_free_port) pg=$(bench_free_port) gi=$(bench_free_port)
bench_start gateway dotnet "$bench_gateway_dll" --urls "http://127.0.0.1:$gw" --proxy-config bench/proxy/proxy-config.json "${bench_quiet[@]}"
bench_start gateway-inline dotnet "$bench_gateway_dll" --urls "http://127.0.0.1:$gi" --proxy-config bench/proxy/proxy-config.json "${bench_quiet[@]}" \
  --Gateway:Server:InlineScheduling=true
bench_start_pushgateway "$pg"
bench_wait_for "http://127.0.0.1:$gw/healthz" "$bench_work/gateway.log"
bench_wait_for "http://127.0.0.1:$gi/healthz" "$bench_work/gateway-inline.log"
bench_wait_for "http://127.0.0.1:$pg/-/ready"

declare -A url=([single]="http://127.0.0.1:$gw/record" [batch]="http://127.0.0.1:$gw/record"
  [batch1000]="http://127.0.0.1:$gw/record" [pushgateway]="http://127.0.0.1:$pg/metrics/job/bench/instance/x"
  [single_inline]="http://127.0.0.1:$gi/record" [batch1000_inline]="http://127.0.0.1:$gi/record")
declare -A lua=([single]=bench/record/single.lua [batch]=bench/record/batch.lua [batch1000]=bench/record/batch.lua [pushgateway]=bench/record/push.lua
  [single_inline]=bench/record/single.lua [batch1000_inline]=bench/record/batch.lua)
declare -A per=([single]=1 [batch]=100 [batch1000]=1000 [pushgateway]=1 [single_inline]=1 [batch1000_inline]=1000)
targets=(single pushgateway single_inline batch batch1000 batch1000_inline)

accepted() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^metric_collector_records_total\{result="accepted"/ { print $2 }'; }
for target in "${targets[@]}"; do BENCH_BATCH_SIZE=${per[$target]} bench_wrk "$connections" "$warmup" "${url[$target]}" "${lua[$target]}" >/dev/null; done
before=$(accepted "$gw") before_inline=$(accepted "$gi")
declare -A rps p50 p99 bad
sent=0 sent_inline=0
for round in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    read -r r a b n x < <(BENCH_BATCH_SIZE=${per[$target]} bench_wrk "$connections" "$seconds" "${url[$target]}" "${lua[$target]}")
    echo "round $round $target: $r req/s, p50 ${a} us, p99 ${b} us, non-2xx $x" >&2
    # what the default gateway's /metrics must account for
    case $target in pushgateway) ;; *_inline) sent_inline=$(( sent_inline + n * per[$target] )) ;; *) sent=$(( sent + n * per[$target] )) ;; esac
    if [ -z "${rps[$target]:-}" ] || [ "$r" -gt "${rps[$target]}" ]; then rps[$target]=$r; p50[$target]=$a; p99[$target]=$b; bad[$target]=$x; fi
  done
done
after=$(accepted "$gw") after_inline=$(accepted "$gi")

declare -A name=([single]="POST /record, 1 record" [batch]="POST /record, batch of 100" [batch1000]="POST /record, batch of 1000" [pushgateway]="Pushgateway push, 1 sample"
  [single_inline]="POST /record, 1 record, InlineScheduling" [batch1000_inline]="POST /record, batch of 1000, InlineScheduling")
echo "| body | requests/s | records/s | p50 (us) | p99 (us) | non-2xx | records/s vs Pushgateway |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  records=$(( rps[$target] * per[$target] ))
  echo "| ${name[$target]} | ${rps[$target]} | $records | ${p50[$target]} | ${p99[$target]} | ${bad[$target]} | $(bench_ratio "$records" "${rps[pushgateway]}" 1) |"
  bench_figure "ingest.$target.rps" "${rps[$target]}"
  bench_figure "ingest.$target.records" "$records"
  bench_figure "ingest.$target.p99" "${p99[$target]}"
done
echo
echo "wrk: 1 thread, $connections connections, ${seconds}s per run after a ${warmup}s warm-up, best of $rounds rounds;" \
  "Pushgateway $(prometheus-pushgateway --version 2>&1 | awk 'NR == 1 { print $3 }'). wrk counted $sent records answered by /record;" \
  "/metrics accepted $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }');" \
  "the InlineScheduling gateway: wrk counted $sent_inline, /metrics accepted $(awk -v a="$after_inline" -v b="$before_inline" 'BEGIN { printf "%d", a - b }')" \
  "(requests in flight when wrk stops are answered but not counted by wrk)."
