using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/MetricCollector.Benchmarks -- --job short --filter '*'
// dotnet run -c Release --project bench/MetricCollector.Benchmarks -- --retained [series, default 100000]
if (args.Length > 0 && args[0] == "--retained")
{
    MetricCollector.Benchmarks.RetainedMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MetricCollector.Benchmarks.RecordPathBenchmarks).Assembly).Run(args);
