#!/usr/bin/env bash
# Proxy benchmark: requests/s and latency of a small response from a fast upstream (nginx), measured in one run on
# this machine for: the upstream directly, bare YARP with the same route, and the gateway. Load from wrk.
# Usage: bench/proxy/run.sh [seconds per run, default 10] [connections, default 32] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
rounds=${3:-2}
source bench/lib.sh
bench_require_tools

echo "building (Release)..."
dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
dotnet build bench/BareYarp -c Release -v q -nologo >/dev/null

bench_start_nginx 18080 text/plain "hello, proxy\n"
quiet=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Yarp=Warning)
bench_start yarp dotnet bench/BareYarp/bin/Release/net10.0/BareYarp.dll --urls http://127.0.0.1:18081 "${quiet[@]}" \
  --ReverseProxy:Routes:bench:ClusterId=bench --ReverseProxy:Routes:bench:Match:Path='/bench/{**rest}' \
  --ReverseProxy:Clusters:bench:Destinations:d1:Address=http://127.0.0.1:18080/
bench_start gateway dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll \
  --urls http://127.0.0.1:18082 --proxy-config bench/proxy/proxy-config.json "${quiet[@]}"
for port in 18080 18081 18082; do bench_wait_for "http://127.0.0.1:$port/bench/warm"; done

declare -A url=([direct]=http://127.0.0.1:18080/bench/x [yarp]=http://127.0.0.1:18081/bench/x [gateway]=http://127.0.0.1:18082/bench/x)
targets=(direct yarp gateway)
for target in "${targets[@]}"; do bench_wrk "$connections" 3 "${url[$target]}" >/dev/null; done  # JIT warm-up

declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    read -r r a b _ _ < <(bench_wrk "$connections" "$seconds" "${url[$target]}")
    echo "round $round $target: $r req/s, p50 ${a} us, p99 ${b} us"
    # keep each target's best round: noise on a shared machine only ever slows a run down
    if [ -z "${rps[$target]:-}" ] || [ "$r" -gt "${rps[$target]}" ]; then rps[$target]=$r; p50[$target]=$a; p99[$target]=$b; fi
  done
done

echo "| target | requests/s | p50 (us) | p99 (us) | throughput vs bare YARP | p99 added vs bare YARP (us) |"
echo "|---|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  ratio=$(awk -v a="${rps[$target]}" -v b="${rps[yarp]}" 'BEGIN { printf "%.3f", a / b }')
  echo "| $target | ${rps[$target]} | ${p50[$target]} | ${p99[$target]} | $ratio | $(( p99[$target] - p99[yarp] )) |"
done
echo
echo "wrk: 1 thread, $connections connections, ${seconds}s per run, best of $rounds rounds"
