using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/MetricCollector.Benchmarks -- --job short --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(MetricCollector.Benchmarks.RecordPathBenchmarks).Assembly).Run(args);
