#!/usr/bin/env bash
# Proxy benchmark: requests/s and latency of a small response from a fast upstream (nginx), measured in one run on
# this machine for: the upstream directly, bare YARP with the same route, the gateway, and HAProxy (its Prometheus
# exporter enabled on a separate frontend) with the same route. Load from wrk, one thread.
# CPU us/request: CPU time the proxy process used during its run divided by the requests answered (nginx's own share,
# direct, not included): the figure least disturbed by other work on a shared machine.
# Usage: bench/proxy/run.sh [seconds per run, default 10] [connections, default "32 256"] [rounds, default 2]
# BENCH_VARIANTS: extra gateway processes measured beside the others, one a line: "name VAR=value ..." (environment
# of that process; DLL=path runs another build of the gateway, DLL=floor Kestrel without YARP: bench/ProxyFloor), used to
# measure each tuning against the same baseline.
# BENCH_WARMUP: seconds of warm-up per target (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
read -r -a conns <<< "${2:-32 256}"
rounds=${3:-2}
warmup=${BENCH_WARMUP:-3}
source bench/lib.sh
bench_require_tools
bench_build

upstream=$(bench_free_port)
bench_start_nginx "$upstream" text/plain "hello, proxy\n"
declare -A pid=([direct]=$bench_last_pid)
route=(--ReverseProxy:Clusters:bench:Destinations:d1:Address="http://127.0.0.1:$upstream/")
declare -A url=([direct]="http://127.0.0.1:$upstream/bench/x")
targets=(direct yarp gateway haproxy)

port=$(bench_free_port); url[yarp]="http://127.0.0.1:$port/bench/x"
bench_start yarp dotnet "$bench_yarp_dll" --urls "http://127.0.0.1:$port" --ProxyConfig bench/proxy/proxy-config.json \
  "${bench_quiet[@]}" "${route[@]}"
pid[yarp]=$bench_last_pid
port=$(bench_free_port); url[gateway]="http://127.0.0.1:$port/bench/x"
bench_start gateway dotnet "$bench_gateway_dll" --urls "http://127.0.0.1:$port" --proxy-config bench/proxy/proxy-config.json \
  "${bench_quiet[@]}" "${route[@]}"
pid[gateway]=$bench_last_pid
port=$(bench_free_port); url[haproxy]="http://127.0.0.1:$port/bench/x"
exporter=$(bench_free_port)
bench_start_haproxy "$port" "$exporter" "$upstream"
pid[haproxy]=$bench_last_pid

while read -r name settings; do
  [ -n "$name" ] || continue
  dll=$bench_gateway_dll envs=()
  for setting in $settings; do
    case $setting in DLL=floor) dll=$bench_floor_dll ;; DLL=*) dll=${setting#DLL=} ;; *) envs+=("$setting") ;; esac
  done
  port=$(bench_free_port); url[$name]="http://127.0.0.1:$port/bench/x"; targets+=("$name")
  bench_start "$name" env "${envs[@]}" dotnet "$dll" --urls "http://127.0.0.1:$port" \
    --proxy-config bench/proxy/proxy-config.json "${bench_quiet[@]}" "${route[@]}"
  pid[$name]=$bench_last_pid
done <<< "${BENCH_VARIANTS:-}"

for target in "${targets[@]}"; do bench_wait_for "${url[$target]}" "$bench_work/$target.log"; done
bench_wait_for "http://127.0.0.1:$exporter/metrics"
max_conns=$(printf '%s\n' "${conns[@]}" | sort -n | tail -1)
for target in "${targets[@]}"; do bench_wrk "$max_conns" "$warmup" "${url[$target]}" >/dev/null; done  # JIT warm-up

declare -A rps p50 p99 cpu
for c in "${conns[@]}"; do
  for round in $(seq "$rounds"); do
    # each round starts one target further on, so that no target always runs right after the same one
    shift_by=$(( (round - 1) % ${#targets[@]} ))
    for target in "${targets[@]:$shift_by}" "${targets[@]:0:$shift_by}"; do
      t0=$(bench_cpu_ticks "${pid[$target]}")
      read -r r a b n bad < <(bench_wrk "$c" "$seconds" "${url[$target]}")
      # CPU of the proxy process per request (direct: of nginx); a proxy's figure leaves nginx's share out
      u=$(awk -v t="$(( $(bench_cpu_ticks "${pid[$target]}") - t0 ))" -v hz="$bench_clk_tck" -v n="$n" 'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')
      echo "$c connections, round $round, $target: $r req/s, p50 ${a} us, p99 ${b} us, CPU ${u} us/request, non-2xx $bad" >&2
      # CPU per request: the lowest round (interference from other work only ever adds to it)
      if [ -z "${cpu[$target/$c]:-}" ] || awk -v a="$u" -v b="${cpu[$target/$c]}" 'BEGIN { exit !(a < b) }'; then cpu[$target/$c]=$u; fi
      # keep each target's best round: noise on a shared machine only ever slows a run down
      if [ -z "${rps[$target/$c]:-}" ] || [ "$r" -gt "${rps[$target/$c]}" ]; then
        rps[$target/$c]=$r; p50[$target/$c]=$a; p99[$target/$c]=$b
      fi
    done
  done
done

echo "| connections | target | requests/s | p50 (us) | p99 (us) | throughput vs bare YARP | p99 added vs bare YARP (us) | throughput vs HAProxy | p99 vs HAProxy | CPU us/request | CPU vs bare YARP |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in "${conns[@]}"; do
  for target in "${targets[@]}"; do
    k=$target/$c
    echo "| $c | $target | ${rps[$k]} | ${p50[$k]} | ${p99[$k]} | $(bench_ratio "${rps[$k]}" "${rps[yarp/$c]}") |" \
      "$(( p99[$k] - p99[yarp/$c] )) | $(bench_ratio "${rps[$k]}" "${rps[haproxy/$c]}") | $(bench_ratio "${p99[$k]}" "${p99[haproxy/$c]}" 2) |" \
      "${cpu[$k]} | $(bench_ratio "${cpu[$k]}" "${cpu[yarp/$c]}") |"
    bench_figure "proxy.$target.$c.rps" "${rps[$k]}"
    bench_figure "proxy.$target.$c.p50" "${p50[$k]}"
    bench_figure "proxy.$target.$c.p99" "${p99[$k]}"
    bench_figure "proxy.$target.$c.cpu_us" "${cpu[$k]}"
  done
done
echo
exported=$(curl -s "http://127.0.0.1:$exporter/metrics" | grep -c '^haproxy_' || true)
echo "wrk: 1 thread, ${seconds}s per run after a ${warmup}s warm-up, best of $rounds rounds; nginx 1 worker;" \
  "HAProxy $(haproxy -v | awk 'NR == 1 { print $3 }') with $(nproc) threads, its exporter answered $exported haproxy_* samples"
