# Shared by the benchmark scripts (sourced): tools, an nginx upstream, wrk runs, and cleanup of what they started.
# shellcheck shell=bash

bench_work=$(mktemp -d)
bench_pids=()
bench_cleanup() { for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$bench_work"; }
trap bench_cleanup EXIT

# Installs nginx and wrk from Debian when missing.
bench_require_tools() {
  for tool in nginx wrk; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null; }
  done
}

# bench_start_nginx PORT CONTENT_TYPE BODY: one worker answering every request with BODY.
bench_start_nginx() {
  mkdir -p "$bench_work/nginx/logs"
  cat > "$bench_work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $bench_work/nginx/logs/error.log warn;
pid $bench_work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_buffer_size 16k;
  server {
    listen 127.0.0.1:$1 reuseport;
    location / { default_type $2; return 200 '$3'; }
  }
}
CONF
  nginx -p "$bench_work/nginx" -c "$bench_work/nginx/nginx.conf" & bench_pids+=($!)
}

# bench_start NAME COMMAND...: runs a server in the background, its output in $bench_work/NAME.log.
bench_start() {
  local name=$1; shift
  "$@" >"$bench_work/$name.log" 2>&1 & bench_pids+=($!)
}

# bench_wait_for URL: until it answers 2xx, at most 10 s.
bench_wait_for() {
  for _ in $(seq 50); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; return 1
}

# bench_wrk CONNECTIONS SECONDS URL [LUA_SCRIPT]: prints "requests/s p50_us p99_us requests non_2xx".
bench_wrk() {
  local script=()
  [ -n "${4:-}" ] && script=(-s "$4")
  wrk -t1 -c"$1" -d"$2s" --latency "${script[@]}" "$3" | awk '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = us($2) } $1 == "99%" { p99 = us($2) } / requests in / { n = $1 }
    / Non-2xx/ { bad = $NF } END { printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, n, bad }'
}
