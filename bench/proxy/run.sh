#!/usr/bin/env bash
# Proxy benchmark: requests/s and latency of a small response from a fast upstream (nginx), measured in one run on
# this machine for: the upstream directly, bare YARP with the same route, and the gateway. Load from wrk.
# Usage: bench/proxy/run.sh [seconds per run, default 10] [connections, default 32] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
rounds=${3:-2}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { echo "installing $tool"; apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null; }
done

echo "building (Release)..."
dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
dotnet build bench/BareYarp -c Release -v q -nologo >/dev/null

# nginx: one worker, a fixed 13-byte body, on the port the proxy-config points at.
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:18080 reuseport;
    location / { default_type text/plain; return 200 "hello, proxy\n"; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" & pids+=($!)

quiet=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Yarp=Warning)
dotnet bench/BareYarp/bin/Release/net10.0/BareYarp.dll --urls http://127.0.0.1:18081 \
  "${quiet[@]}" --ReverseProxy:Routes:bench:ClusterId=bench --ReverseProxy:Routes:bench:Match:Path='/bench/{**rest}' \
  --ReverseProxy:Clusters:bench:Destinations:d1:Address=http://127.0.0.1:18080/ >"$work/yarp.log" 2>&1 & pids+=($!)
dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll --urls http://127.0.0.1:18082 \
  --proxy-config bench/proxy/proxy-config.json "${quiet[@]}" >"$work/gateway.log" 2>&1 & pids+=($!)

for port in 18080 18081 18082; do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/bench/warm" >/dev/null && break; sleep 0.2; done
done

# One wrk run: prints "requests/s p50_us p99_us".
measure() {
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "$1" | awk '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) }
    END { printf "%.0f %.0f %.0f\n", rps, p50, p99 }'
}

declare -A url=([direct]=http://127.0.0.1:18080/bench/x [yarp]=http://127.0.0.1:18081/bench/x [gateway]=http://127.0.0.1:18082/bench/x)
targets=(direct yarp gateway)
for target in "${targets[@]}"; do wrk -t1 -c"$connections" -d3s "${url[$target]}" >/dev/null; done  # JIT warm-up

declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    read -r r a b < <(measure "${url[$target]}")
    echo "round $round $target: $r req/s, p50 ${a} us, p99 ${b} us"
    # keep each target's best round: noise on a shared machine only ever slows a run down
    if [ -z "${rps[$target]:-}" ] || [ "$r" -gt "${rps[$target]}" ]; then rps[$target]=$r; p50[$target]=$a; p99[$target]=$b; fi
  done
done

count=$(curl -s http://127.0.0.1:18082/metrics | awk '/^gateway_requests_total\{route="bench"/ { s += $2 } END { print s+0 }')
{
  echo "| target | requests/s | p50 (us) | p99 (us) | throughput vs bare YARP | p99 added vs bare YARP (us) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for target in "${targets[@]}"; do
    ratio=$(awk -v a="${rps[$target]}" -v b="${rps[yarp]}" 'BEGIN { printf "%.3f", a / b }')
    added=$(( ${p99[$target]} - ${p99[yarp]} ))
    echo "| $target | ${rps[$target]} | ${p50[$target]} | ${p99[$target]} | $ratio | $added |"
  done
} | tee "$work/table.md"
echo
echo "wrk: 1 thread, $connections connections, ${seconds}s per run, best of $rounds rounds; gateway counted $count proxied requests"
cp "$work/table.md" bench/proxy/last-run.md
