using MetricCollector.Gateway;

await GatewayApplication.Build(args).RunAsync();
