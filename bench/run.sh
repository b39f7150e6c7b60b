#!/usr/bin/env bash
# The whole benchmark suite (issue 7): proxy throughput/latency against bare YARP and HAProxy, ingestion against
# Pushgateway, scrape time and size, memory per series. Prints one table and writes bench/results.md.
# Usage: bench/run.sh [--quick] [--seconds N] [--rounds N] [--scrapes N] [--only proxy,ingest,scrape,memory]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "skeleton: work in progress" >&2
