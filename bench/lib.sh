# Shared by the benchmark scripts (sourced): tools, an nginx upstream, HAProxy, Pushgateway, wrk runs, free ports,
# and cleanup of what they started.
# shellcheck shell=bash

bench_work=$(mktemp -d)
bench_pids=()
bench_last_pid=
bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$bench_work"
}
trap bench_cleanup EXIT

# bench_require COMMAND DEBIAN_PACKAGE: installs the package from Debian when the command is missing.
bench_require() {
  command -v "$1" >/dev/null && return 0
  [ -n "${bench_apt_updated:-}" ] || { apt-get update -qq >/dev/null; bench_apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

# Installs nginx and wrk from Debian when missing.
bench_require_tools() {
  bench_require nginx nginx-light
  bench_require wrk wrk
}

# bench_free_port: a TCP port on 127.0.0.1 that nothing listens on now (other benchmarks may run beside this one).
bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# bench_build: the gateway, bare YARP, the proxy floor and bench/MetricCollector.Benchmarks in Release, unless BENCH_NO_BUILD=1 (bench/run.sh builds once).
bench_build() {
  [ "${BENCH_NO_BUILD:-0}" = 1 ] && return 0
  echo "building (Release)..." >&2
  dotnet build src/MetricCollector.Gateway -c Release -v q -nologo >/dev/null
  dotnet build bench/BareYarp -c Release -v q -nologo >/dev/null
  dotnet build bench/ProxyFloor -c Release -v q -nologo >/dev/null
  dotnet build bench/MetricCollector.Benchmarks -c Release -v q -nologo >/dev/null
}
bench_gateway_dll=src/MetricCollector.Gateway/bin/Release/net10.0/MetricCollector.Gateway.dll
bench_yarp_dll=bench/BareYarp/bin/Release/net10.0/BareYarp.dll
# Kestrel without YARP (bench/ProxyFloor/Program.cs), as a BENCH_VARIANTS line: "floor PROXY_FLOOR_MODE=socket DLL=floor"
bench_floor_dll=bench/ProxyFloor/bin/Release/net10.0/ProxyFloor.dll
# Hosting.Diagnostics off as in the gateway's appsettings.json, so bare YARP gets the same tuning (see README.md, Tuning)
bench_quiet=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Yarp=Warning --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=None)

# bench_start_nginx PORT CONTENT_TYPE BODY: one worker answering every request with BODY.
bench_start_nginx() {
  mkdir -p "$bench_work/nginx-$1/logs"
  local dir=$bench_work/nginx-$1
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_buffer_size 16k;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$1 reuseport;
    location / { default_type $2; return 200 '$3'; }
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" & bench_pids+=($!); bench_last_pid=$!
}

# bench_start_haproxy PORT EXPORTER_PORT UPSTREAM_PORT [THREADS]: the route /bench/ to the upstream on PORT and
# HAProxy's built-in Prometheus exporter on EXPORTER_PORT (/metrics), as it would run in production.
bench_start_haproxy() {
  bench_require haproxy haproxy
  local dir=$bench_work/haproxy-$1 threads=${4:-$(nproc)}
  mkdir -p "$dir"
  cat > "$dir/haproxy.cfg" <<CONF
global
  nbthread $threads
  maxconn 8000
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend exporter
  bind 127.0.0.1:$2
  http-request use-service prometheus-exporter if { path /metrics }
frontend bench
  bind 127.0.0.1:$1
  use_backend bench if { path_beg /bench/ }
backend bench
  http-reuse always
  server d1 127.0.0.1:$3 maxconn 10000
CONF
  haproxy -db -f "$dir/haproxy.cfg" >"$bench_work/haproxy.log" 2>&1 & bench_pids+=($!); bench_last_pid=$!
}

# bench_start_pushgateway PORT: Prometheus Pushgateway in memory (Debian defaults to a persistence file that would
# carry series from one run to the next: turned off).
bench_start_pushgateway() {
  bench_require prometheus-pushgateway prometheus-pushgateway
  prometheus-pushgateway --web.listen-address="127.0.0.1:$1" --persistence.file= --log.level=warn \
    >"$bench_work/pushgateway-$1.log" 2>&1 & bench_pids+=($!); bench_last_pid=$!
}

# bench_require_heap_tools: dotnet-gcdump and dotnet-counters, installed as global tools when missing (for bench_gc_heap).
bench_require_heap_tools() {
  local tool
  for tool in dotnet-gcdump dotnet-counters; do
    [ -x "$HOME/.dotnet/tools/$tool" ] || command -v "$tool" >/dev/null || timeout 180 dotnet tool install -g "$tool" >/dev/null 2>&1 || true
  done
}
bench_tool() { if command -v "$1" >/dev/null; then command -v "$1"; else echo "$HOME/.dotnet/tools/$1"; fi; }
# bench_gc_heap PID: live bytes on the GC heap after a full blocking GC: dotnet-gcdump forces one (its own heap graph is
# lossy on .NET 10 for large heaps, so only its side effect is used), then dotnet-counters reads what that GC left,
# dotnet.gc.last_collection.heap.size minus .fragmentation.size over every generation. Empty when the tools are missing.
bench_gc_heap() {
  local f=$bench_work/heap-$1-$RANDOM
  timeout 120 "$(bench_tool dotnet-gcdump)" collect -p "$1" -o "$f.gcdump" >/dev/null 2>&1 || return 0
  timeout 60 "$(bench_tool dotnet-counters)" collect -p "$1" --counters System.Runtime --format csv -o "$f.csv" \
    --duration 00:00:02 >/dev/null 2>&1 || return 0
  awk -F, '$3 ~ /^dotnet.gc.last_collection.heap.(size|fragmentation.size) / {
      split($3, k, "="); key = ($3 ~ /fragmentation/ ? "f" : "s") k[2]; v[key] = $5 }
    END { for (key in v) t += (key ~ /^s/ ? v[key] : -v[key]); printf "%.0f", t }' "$f.csv"
  rm -f "$f.gcdump" "$f.csv"
}

# bench_start NAME COMMAND...: runs a server in the background, its output in $bench_work/NAME.log; its pid in
# $bench_last_pid.
bench_start() {
  local name=$1; shift
  "$@" >"$bench_work/$name.log" 2>&1 & bench_pids+=($!); bench_last_pid=$!
}

# bench_stop PID: stops one server this script started.
bench_stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# bench_wait_for URL: until it answers 2xx, at most 20 s.
bench_wait_for() {
  local log=${2:-}
  for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; [ -n "$log" ] && tail -20 "$log" >&2; return 1
}

# bench_rss_kb PID: resident set size in KiB (VmRSS).
bench_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# bench_wrk CONNECTIONS SECONDS URL [LUA_SCRIPT]: prints "requests/s p50_us p99_us requests non_2xx".
bench_wrk() {
  local script=()
  [ -n "${4:-}" ] && script=(-s "$4")
  wrk -t1 -c"$1" -d"$2s" --timeout 10s --latency "${script[@]}" "$3" | awk '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) } / requests in / { n = $1 }
    / Non-2xx/ { bad = $NF } END { printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, n, bad }'
}

# bench_ratio A B [DIGITS]: A / B.
bench_ratio() { awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { if (b == 0) print "n/a"; else printf "%.*f\n", d, a / b }'; }

# bench_figure KEY VALUE: records a figure for bench/run.sh's summary (when it collects them).
bench_figure() { [ -n "${BENCH_FIGURES:-}" ] && echo "$1 $2" >> "$BENCH_FIGURES"; return 0; }

# bench_fill_gateway PORT TYPE FROM TO: pushes series FROM..TO-1 of one metric of TYPE (counter: bench_series_total,
# histogram or summary: bench_series_seconds, histograms with the default buckets) through batched POST /record, 1000 records a batch.
bench_fill_gateway() {
  local dir=$bench_work/fill-$1-$2-$3 name
  mkdir -p "$dir"
  case $2 in counter) name=bench_series_total ;; *) name=bench_series_seconds ;; esac
  awk -v from="$3" -v to="$4" -v type="$2" -v name="$name" -v dir="$dir" 'BEGIN {
    for (i = from; i < to; i += 1000) {
      f = sprintf("%s/%09d.json", dir, i); sep = "["
      for (j = i; j < to && j < i + 1000; j++) {
        printf "%s{\"metric_name\":\"%s\",\"metric_type\":\"%s\",\"value\":%s,\"labels\":{\"series\":\"s%d\"}}", sep, name, type, type == "counter" ? "1" : "0.042", j > f
        sep = ","
      }
      print "]" > f; close(f)
    }
  }'
  local f code
  for f in "$dir"/*.json; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$f" "http://127.0.0.1:$1/record")
    [ "$code" = 202 ] || { echo "fill: POST /record answered $code" >&2; return 1; }
  done
  rm -rf "$dir"
}

# bench_fill_pushgateway PORT TYPE COUNT [GROUPS]: replaces group(s) of job "bench" with COUNT series of one metric,
# in the text format, one PUT a group (GROUPS groups instance=g0.., default 1, the series split evenly).
bench_fill_pushgateway() {
  local groups=${4:-1} g f
  for g in $(seq 0 $(( groups - 1 ))); do
    f=$bench_work/push-$1.txt
    awk -v from=$(( $3 * g / groups )) -v to=$(( $3 * (g + 1) / groups )) -v type="$2" 'BEGIN {
      if (type == "counter") {
        print "# TYPE bench_series_total counter"
        for (i = from; i < to; i++) printf "bench_series_total{series=\"s%d\"} 1\n", i
      } else {
        n = split("0.005 0.01 0.025 0.05 0.075 0.1 0.25 0.5 0.75 1 2.5 5 7.5 10 +Inf", le, " ")
        print "# TYPE bench_series_seconds histogram"
        for (i = from; i < to; i++) {
          for (b = 1; b <= n; b++) printf "bench_series_seconds_bucket{series=\"s%d\",le=\"%s\"} %d\n", i, le[b], (le[b] == "+Inf" || le[b] + 0 >= 0.042) ? 1 : 0
          printf "bench_series_seconds_sum{series=\"s%d\"} 0.042\nbench_series_seconds_count{series=\"s%d\"} 1\n", i, i
        }
      }
    }' > "$f"
    curl -sf -o /dev/null -X PUT -H 'Content-Type: text/plain; version=0.0.4' --data-binary "@$f" \
      "http://127.0.0.1:$1/metrics/job/bench/instance/g$g" || { echo "fill: Pushgateway refused the push" >&2; return 1; }
  done
  rm -f "$f"
}

# bench_cpu_ticks PID: CPU time (user + system, clock ticks) used so far by PID and its child processes (nginx's
# worker). CPU per request does not depend on how much CPU other work on a shared machine leaves free.
bench_cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
    [ -r "/proc/$p/stat" ] && total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat") ))
  done
  echo "$total"
}
bench_clk_tck=$(getconf CLK_TCK)
