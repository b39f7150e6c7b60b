-- Pushgateway's equivalent of one single-record POST /record: one sample pushed in the text format to one group.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain; version=0.0.4"
wrk.body = "bench_counter 1\n"
