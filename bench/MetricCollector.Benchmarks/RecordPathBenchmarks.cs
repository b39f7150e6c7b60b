using System.Text;
using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace MetricCollector.Benchmarks;

/// <summary>
/// The cost of one record on its way through POST /record, step by step, against the cheapest step (parsing the JSON)
/// as the baseline of the same run.
/// </summary>
[MemoryDiagnoser]
public class RecordPathBenchmarks
{
    private const string Json = """{"metric_name":"sandbox_allocations","metric_type":"counter","value":1,"labels":{"app_id":"a1","pool_name":"default"}}""";

    private readonly byte[] _single = Encoding.UTF8.GetBytes(Json);
    private readonly byte[] _batch = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(Json, 100)) + "]");
    private readonly JObject _parsed = JObject.Parse(Json);
    private readonly MetricRecord _record = new("sandbox_allocations", MetricType.Counter)
    {
        Value = 1,
        Labels = new Dictionary<string, string> { ["app_id"] = "a1", ["pool_name"] = "default" },
    };

    private PrometheusMetricCollector _collector = null!;
    private RecordIngestion _ingestion = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new MetricCollectorOptions());
        _collector = new PrometheusMetricCollector(options, NullLogger<PrometheusMetricCollector>.Instance, TimeProvider.System);
        _ingestion = new RecordIngestion(_collector, options);
        _collector.Record(_record);
    }

    [Benchmark(Baseline = true, Description = "parse JSON (Newtonsoft)")]
    public JObject Parse() => JObject.Parse(Json);

    [Benchmark(Description = "validate with NJsonSchema")]
    public int Validate() => RecordSchema.Instance.Validate(_parsed).Count;

    [Benchmark(Description = "read: parse + validate + build record")]
    public int Read() => MetricRecordReader.Read(_single, 1000, out _).Items.Count;

    [Benchmark(Description = "apply to an existing series")]
    public RecordOutcome Apply() => _collector.Record(_record);

    [Benchmark(Description = "ingest one record (body to series)")]
    public int IngestOne() => _ingestion.Ingest(_single).Accepted;

    [Benchmark(Description = "ingest a batch of 100 (per batch)")]
    public int IngestBatch() => _ingestion.Ingest(_batch).Accepted;
}
