-- A typical MCP tools/call of about 1 KB.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.body = '{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"search_documents","arguments":{"query":"'
  .. string.rep("sandbox allocation latency ", 34) .. '","limit":10}}}'
