using MetricCollector.Gateway;

return await GatewayProgram.RunAsync(args, Console.Out, Console.Error);
