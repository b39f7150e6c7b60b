#!/usr/bin/env bash
# MCP parsing cost: the same ~1 KB tools/call POST through the gateway on a route read as MCP and on one that is not,
# both to nginx answering a small JSON body. Usage: bench/mcp/run.sh [seconds, default 10] [connections, default 32] [rounds, default 2]
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
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null; }
done

dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
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
  client_body_buffer_size 16k;
  server {
    listen 127.0.0.1:18080 reuseport;
    location / { default_type application/json; return 200 '{"jsonrpc":"2.0","id":17,"result":{"content":[]}}'; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" & pids+=($!)
dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll --urls http://127.0.0.1:18083 \
  --proxy-config bench/mcp/proxy-config.json --Logging:LogLevel:Default=Warning >"$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf http://127.0.0.1:18083/healthz >/dev/null && break; sleep 0.2; done

measure() {
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/mcp/tools-call.lua "$1" | awk '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) }
    END { printf "%.0f %.0f %.0f\n", rps, p50, p99 }'
}
declare -A url=([unread]=http://127.0.0.1:18083/unread/mcp [read]=http://127.0.0.1:18083/read/mcp)
targets=(unread read)
for target in "${targets[@]}"; do wrk -t1 -c"$connections" -d3s -s bench/mcp/tools-call.lua "${url[$target]}" >/dev/null; done
declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    read -r r a b < <(measure "${url[$target]}")
    echo "round $round $target: $r req/s, p50 ${a} us, p99 ${b} us"
    if [ -z "${rps[$target]:-}" ] || [ "$r" -gt "${rps[$target]}" ]; then rps[$target]=$r; p50[$target]=$a; p99[$target]=$b; fi
  done
done
echo "| route | requests/s | p50 (us) | p99 (us) | throughput vs unread |"
echo "|---|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  echo "| $target | ${rps[$target]} | ${p50[$target]} | ${p99[$target]} | $(awk -v a="${rps[$target]}" -v b="${rps[unread]}" 'BEGIN { printf "%.3f", a / b }') |"
done
echo
curl -s http://127.0.0.1:18083/metrics | grep '^gateway_mcp_requests_total'
