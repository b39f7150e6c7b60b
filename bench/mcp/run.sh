#!/usr/bin/env bash
# MCP parsing cost: the same ~1 KB tools/call POST through the gateway on a route read as MCP and on one that is not,
# both to nginx answering a small JSON body. Usage: bench/mcp/run.sh [seconds, default 10] [connections, default 32] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
rounds=${3:-2}
source bench/lib.sh
bench_require_tools

dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
bench_start_nginx 18080 application/json '{"jsonrpc":"2.0","id":17,"result":{"content":[]}}'
bench_start gateway dotnet src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll \
  --urls http://127.0.0.1:18083 --proxy-config bench/mcp/proxy-config.json --Logging:LogLevel:Default=Warning
bench_wait_for http://127.0.0.1:18083/healthz

declare -A url=([unread]=http://127.0.0.1:18083/unread/mcp [read]=http://127.0.0.1:18083/read/mcp)
targets=(unread read)
for target in "${targets[@]}"; do bench_wrk "$connections" 3 "${url[$target]}" bench/mcp/tools-call.lua >/dev/null; done
declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for target in "${targets[@]}"; do
    read -r r a b _ _ < <(bench_wrk "$connections" "$seconds" "${url[$target]}" bench/mcp/tools-call.lua)
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
