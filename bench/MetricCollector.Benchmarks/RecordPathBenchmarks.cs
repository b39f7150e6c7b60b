using System.Text;
using BenchmarkDotNet.Attributes;
using MetricCollector.Collector;
using MetricCollector.Recording;
using MetricCollector.Recording.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace MetricCollector.Benchmarks;

/// <summary>
/// The cost of one record on its way through POST /record, step by step, against the cheapest step of the reference
/// path (parsing the JSON with Newtonsoft) as the baseline of the same run; the reference path (Newtonsoft +
/// NJsonSchema) and the fast path (System.Text.Json + the compiled schema) side by side.
/// </summary>
[MemoryDiagnoser]
public class RecordPathBenchmarks
{
    private const string Json = """{"metric_name":"sandbox_allocations","metric_type":"counter","value":1,"labels":{"app_id":"a1","pool_name":"default"}}""";

    private readonly byte[] _single = Encoding.UTF8.GetBytes(Json);
    private readonly byte[] _batch100 = Batch(100);
    private readonly byte[] _batch1000 = Batch(1000);
    private readonly JObject _parsed = JObject.Parse(Json);
    private readonly JsonTape _tape = Tape(Json);
    private readonly JsonValidator _compiled = CompiledRecordSchema.Validator!;
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

    [GlobalCleanup]
    public void Cleanup() => _tape.Dispose();

    [Benchmark(Baseline = true, Description = "parse JSON (Newtonsoft)")]
    public JObject Parse() => JObject.Parse(Json);

    [Benchmark(Description = "validate with NJsonSchema")]
    public int Validate() => RecordSchema.Instance.Validate(_parsed).Count;

    [Benchmark(Description = "read, reference path: parse + validate + build record")]
    public int ReadReference() => SchemaRecordReader.Read(_single, 1000, out _).Items.Count;

    [Benchmark(Description = "parse JSON (System.Text.Json, into a tape)")]
    public int ParseFast()
    {
        JsonTape.TryRead(_single, out var tape);
        using (tape)
        {
            return tape!.Root.GetPropertyCount();
        }
    }

    [Benchmark(Description = "validate with the compiled schema")]
    public bool ValidateCompiled() => _compiled.IsValid(_tape.Root);

    [Benchmark(Description = "read, fast path: parse + validate + build record")]
    public int Read() => MetricRecordReader.Read(_single, 1000, out _).Items.Count;

    [Benchmark(Description = "read a batch of 100, fast path (per batch)")]
    public int ReadBatch100() => MetricRecordReader.Read(_batch100, 1000, out _).Items.Count;

    [Benchmark(Description = "read a batch of 1000, fast path (per batch)")]
    public int ReadBatch1000() => MetricRecordReader.Read(_batch1000, 1000, out _).Items.Count;

    [Benchmark(Description = "apply to an existing series")]
    public RecordOutcome Apply() => _collector.Record(_record);

    [Benchmark(Description = "ingest one record (body to series)")]
    public int IngestOne() => _ingestion.Ingest(_single).Accepted;

    [Benchmark(Description = "ingest a batch of 100 (per batch)")]
    public int IngestBatch100() => _ingestion.Ingest(_batch100).Accepted;

    [Benchmark(Description = "ingest a batch of 1000 (per batch)")]
    public int IngestBatch1000() => _ingestion.Ingest(_batch1000).Accepted;

    private static JsonTape Tape(string json)
    {
        JsonTape.TryRead(Encoding.UTF8.GetBytes(json), out var tape);
        return tape!;
    }

    private static byte[] Batch(int count) => Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(Json, count)) + "]");
}
