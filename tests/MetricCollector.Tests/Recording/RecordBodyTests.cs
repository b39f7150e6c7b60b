using System.Text;
using MetricCollector.Collector;
using MetricCollector.Recording;
using Microsoft.Extensions.Options;

namespace MetricCollector.Tests.Recording;

public sealed class RecordBodyTests
{
    private static RecordBatch Read(string json, out RecordRejection? bodyRejection, int maxBatchSize = 1000) =>
        MetricRecordReader.Read(Encoding.UTF8.GetBytes(json), maxBatchSize, out bodyRejection);

    /// <summary>The whole path of a body: reading, the schema, then the collector's own rules.</summary>
    private static RecordRejection? IngestOne(string json)
    {
        var ingestion = new RecordIngestion(TestCollector.Create(), Options.Create(new MetricCollectorOptions()));
        var result = ingestion.Ingest(Encoding.UTF8.GetBytes(json));
        return result.BodyRejection ?? (result.Rejected.Count > 0 ? result.Rejected[0].Rejection : null);
    }

    [Theory]
    [InlineData("""{"metric_type":"counter"}""", "/metric_name", "schema_violation")]
    [InlineData("""{"metric_name":"a"}""", "/metric_type", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"timer"}""", "/metric_type", "schema_violation")]
    [InlineData("""{"metric_name":"1a","metric_type":"counter"}""", "/metric_name", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","valeu":1}""", "/valeu", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":"1"}""", "/value", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":-1}""", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":1e400}""", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":-1e400}""", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1234567890123456789012345678901234567890e400}""", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":-1""" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" + "}", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge"}""", "/value", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"operation":"mul"}""", "/operation", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"__x":"1"}}""", "/labels/__x", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a.b":"1"}}""", "/labels/a.b", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a/b":"1"}}""", "/labels/a~1b", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":1}}""", "/labels/x", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":["x"]}""", "/labels", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"buckets":[1]}""", "/buckets", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","operation":"inc"}""", "/operation", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"labels":{"le":"1"}}""", "/labels/le", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"labels":{"quantile":"1"}}""", "/labels/quantile", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram"}""", "/value", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"values":[2]}""", "/values", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","values":[]}""", "/values", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","values":[1,"x"]}""", "/values/1", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"buckets":[2,1]}""", "/buckets/1", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"buckets":[-1,0,1]}""", "/buckets/0", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"buckets":[-0.001]}""", "/buckets/0", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":1,"objectives":[{"quantile":0.5,"error":0.1}]}""", "/objectives", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":1,"error":0.1}]}""", "/objectives/0/quantile", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.5}]}""", "/objectives/0/error", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.5,"error":0.00001}]}""", "/objectives/0/error", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.5,"error":0.01},{"quantile":0.5,"error":0.02}]}""", "/objectives/1/quantile", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.9,"error":0.01},{"quantile":0.5,"error":0.01},{"quantile":0.90,"error":0.02}]}""", "/objectives/2/quantile", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"buckets":[1]}""", "/buckets", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"help":5}""", "/help", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"histogram","value":-0.5}""", "/value", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","values":[1,-2]}""", "/values/1", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":0}""", "/ttl_seconds", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":1.5}""", "/ttl_seconds", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":2592001}""", "/ttl_seconds", "schema_violation")]
    [InlineData("""[1]""", "", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"metric_name":"b"}""", "", "malformed_json")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1} {}""", "", "malformed_json")]
    [InlineData("""{"metric_name":"a",""", "", "malformed_json")]
    [InlineData("""   """, "", "empty_body")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"a\ud800"}}""", "/labels/x", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"\uDC00"}}""", "/labels/x", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"\udc00\ud800"}}""", "/labels/x", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"\ud800\u0041"}}""", "/labels/x", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"\ud83d\ude00","y_z":"\ud83d"}}""", "/labels/y_z", "invalid_value")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"help":"b\udfff"}""", "/help", "invalid_value")]
    [InlineData("""{"metric_name":"a\ud800","metric_type":"gauge","value":1}""", "/metric_name", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x\ud800":"v"}}""", "/labels/x\ufffd", "schema_violation")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":"1","labels":{"x":"\ud800"}}""", "/value", "schema_violation")]
    [InlineData("""[]""", "", "empty_body")]
    public void Bad_records_are_refused_naming_the_field_and_reason(string json, string field, string reason)
    {
        var rejection = IngestOne(json);

        Assert.NotNull(rejection);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(reason, rejection.ReasonLabel);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
    }

    /// <summary>
    /// Bodies a lenient parser (Newtonsoft) reads and RFC 8259 refuses: System.Text.Json, strict, is the judge of
    /// syntax on both paths, so each is malformed_json on the fast path and on the reference path alike.
    /// </summary>
    [Theory]
    [InlineData("""{"metric_name":"oct","metric_type":"gauge","value":010}""")]
    [InlineData("""{"metric_name":"oct","metric_type":"gauge","value":-0777}""")]
    [InlineData("""{"metric_name":"hex","metric_type":"gauge","value":0x1F}""")]
    [InlineData("""{metric_name:"unq","metric_type":"gauge","value":1}""")]
    [InlineData("""{'metric_name':'sq','metric_type':'gauge','value':1}""")]
    [InlineData("""{"metric_name":"tc","metric_type":"gauge","value":1,}""")]
    [InlineData("""[{"metric_name":"tc","metric_type":"gauge","value":1},]""")]
    [InlineData("""/*c*/{"metric_name":"cm","metric_type":"gauge","value":1}""")]
    [InlineData("""{"metric_name":"cm","metric_type":"gauge","value":1}//c""")]
    [InlineData("""{"metric_name":"cm","metric_type":"gauge","value":1 /*c*/}""")]
    [InlineData("""{"metric_name":"fr","metric_type":"gauge","value":.5}""")]
    [InlineData("""{"metric_name":"fr","metric_type":"gauge","value":1.}""")]
    [InlineData("""{"metric_name":"nan","metric_type":"gauge","value":NaN}""")]
    [InlineData("""{"metric_name":"inf","metric_type":"gauge","value":Infinity}""")]
    [InlineData("""{"metric_name":"inf","metric_type":"gauge","value":-Infinity}""")]
    [InlineData("""{"metric_name":"u","metric_type":"gauge","value":undefined}""")]
    [InlineData("""{"metric_name":"p","metric_type":"gauge","value":+1}""")]
    public void Bodies_that_are_not_RFC_8259_JSON_are_malformed_json_on_both_paths(string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        // The list holds only what strict JSON refuses, or it would prove nothing about leniency.
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(body));

        var fast = MetricRecordReader.Read(body, 10, out var fastRejection);
        var reference = SchemaRecordReader.Read(body, 10, out var referenceRejection);

        Assert.Equal(RejectionReason.MalformedJson, fastRejection?.Reason);
        Assert.Equal(RejectionReason.MalformedJson, referenceRejection?.Reason);
        Assert.Equal(fastRejection, referenceRejection);
        Assert.Empty(fast.Items);
        Assert.Empty(reference.Items);
        Assert.Equal(RejectionReason.MalformedJson, IngestOne(json)?.Reason);
    }

    [Theory]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":0}""", "/ttl_seconds", "schema_violation", "ttl_seconds must be between 1 and 2592000")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":-5}""", "/ttl_seconds", "schema_violation", "ttl_seconds must be between 1 and 2592000")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":2592001}""", "/ttl_seconds", "schema_violation", "ttl_seconds must be between 1 and 2592000")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":10.0}""", "/ttl_seconds", "schema_violation", "whole number of seconds, without a decimal point")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":1e1}""", "/ttl_seconds", "schema_violation", "whole number of seconds, without a decimal point")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a":1}}""", "/labels/a", "schema_violation", "the value of label 'a' must be a string")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a":null}}""", "/labels/a", "schema_violation", "the value of label 'a' must be a string")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl":5}""", "/ttl", "schema_violation", "ttl_seconds")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.5,"error":0.1,"x":1}]}""", "/objectives/0/x", "schema_violation", "quantile and error")]
    [InlineData("""{"metric_name":"a","metric_type":"summary","value":1,"labels":{"quantile":"1"}}""", "/labels/quantile", "schema_violation", "reserved on summaries")]
    public void Refusals_say_what_to_send_instead(string json, string field, string reason, string detail)
    {
        var rejection = IngestOne(json);

        Assert.NotNull(rejection);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(reason, rejection.ReasonLabel);
        Assert.Contains(detail, rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid (", rejection.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("strictly between 0 and 1", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_bucket_bounds_are_refused_saying_why_and_zero_is_allowed()
    {
        var negative = IngestOne("""{"metric_name":"e_h4","metric_type":"histogram","value":1,"buckets":[-1,0,1]}""");
        var zero = IngestOne("""{"metric_name":"e_h5","metric_type":"histogram","value":1,"buckets":[0,1]}""");

        Assert.NotNull(negative);
        Assert.Equal("/buckets/0", negative.Field);
        Assert.Equal("invalid_value", negative.ReasonLabel);
        Assert.Equal("bucket bounds must be >= 0: observations are never negative.", negative.Detail);
        Assert.Null(zero);
    }

    [Theory]
    [InlineData("10.5", "ttl_seconds must be a whole number of seconds, without a decimal point or exponent (10, not 10.0).")]
    [InlineData("null", "ttl_seconds must be a whole number of seconds, not null.")]
    [InlineData("true", "ttl_seconds must be a whole number of seconds, not a boolean.")]
    [InlineData("\"10\"", "ttl_seconds must be a whole number of seconds, not a string.")]
    public void A_ttl_that_is_not_a_whole_number_is_told_what_it_is_instead(string ttl, string detail)
    {
        var rejection = IngestOne("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl_seconds":""" + ttl + "}");

        Assert.NotNull(rejection);
        Assert.Equal("/ttl_seconds", rejection.Field);
        Assert.Equal("schema_violation", rejection.ReasonLabel);
        Assert.Equal(detail, rejection.Detail);
    }

    [Fact]
    public void An_unknown_field_is_answered_with_every_field_the_schema_allows_there()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(RecordSchema.ReadText())!;
        var record = IngestOne("""{"metric_name":"a","metric_type":"gauge","value":1,"ttl":5}""")!;
        var objective = IngestOne("""{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":0.5,"error":0.1,"x":1}]}""")!;

        foreach (var (name, _) in schema["properties"]!.AsObject())
        {
            Assert.Contains(name, record.Detail, StringComparison.Ordinal);
        }

        Assert.Contains("quantile", objective.Detail, StringComparison.Ordinal);
        Assert.Contains("error", objective.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("metric_name", objective.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// A JSON escape of half a surrogate pair (<c>\ud800</c> alone) stands for no Unicode character: read as U+FFFD,
    /// <c>a\ud800</c> and <c>a\udbff</c> would land in one series unsaid. Both readers refuse it, naming the field and
    /// the escape, item by item.
    /// </summary>
    [Fact]
    public void An_unpaired_surrogate_escape_is_refused_by_both_readers_naming_the_field_and_the_escape()
    {
        byte[] body = Encoding.UTF8.GetBytes("""
            [{"metric_name":"a","metric_type":"counter","labels":{"pool":"\ud83d\ude00"}},
             {"metric_name":"a","metric_type":"counter","labels":{"pool":"a\uD800"}},
             {"metric_name":"b","metric_type":"gauge","value":1,"help":"\udbff!"}]
            """);

        foreach (var batch in new[] { MetricRecordReader.Read(body, 10, out _), SchemaRecordReader.Read(body, 10, out _) })
        {
            Assert.Equal("\U0001F600", batch.Items[0].Record!.Labels["pool"]);
            Assert.Equal(
                new RecordRejection(RejectionReason.InvalidValue, "/labels/pool", "the value of label 'pool' contains an unpaired surrogate (\\ud800), which is not a Unicode character."),
                batch.Items[1].Rejection);
            Assert.Equal(
                new RecordRejection(RejectionReason.InvalidValue, "/help", "help contains an unpaired surrogate (\\udbff), which is not a Unicode character."),
                batch.Items[2].Rejection);
        }
    }

    [Fact]
    public void A_label_value_over_the_limit_is_label_value_too_long_naming_the_limit()
    {
        var rejection = IngestOne(WithLabelValue("a", new string('v', 1025)));

        Assert.NotNull(rejection);
        Assert.Equal("/labels/a", rejection.Field);
        Assert.Equal(RejectionReason.LabelValueTooLong, rejection.Reason);
        Assert.Contains("1025", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("1024", rejection.Detail, StringComparison.Ordinal);
    }

    /// <summary>JSON Schema's maxLength counts Unicode code points, and so does every length README states.</summary>
    [Theory]
    [InlineData(@"\ud83d\ude00")]
    [InlineData("😀")]
    public void Lengths_count_code_points_not_UTF16_units(string emoji)
    {
        string Repeat(int n) => string.Concat(Enumerable.Repeat(emoji, n));

        Assert.Null(IngestOne(WithLabelValue("a", Repeat(1024))));
        Assert.Null(IngestOne(WithHelp("b", Repeat(1024))));
        Assert.Equal(RejectionReason.LabelValueTooLong, IngestOne(WithLabelValue("c", Repeat(1025)))?.Reason);
        Assert.Equal("/help", IngestOne(WithHelp("d", Repeat(1025)))?.Field);
    }

    private static string WithLabelValue(string name, string rawValue) =>
        "{\"metric_name\":\"" + name + "\",\"metric_type\":\"gauge\",\"value\":1,\"labels\":{\"a\":\"" + rawValue + "\"}}";

    private static string WithHelp(string name, string rawHelp) =>
        "{\"metric_name\":\"" + name + "\",\"metric_type\":\"gauge\",\"value\":1,\"help\":\"" + rawHelp + "\"}";

    [Theory]
    [InlineData("1e-29", "0.5")]
    [InlineData("0.5", "0.0001")]
    [InlineData("1e-300", "1e-4")]
    [InlineData("0.9999999999999999", "0.9999999999999999")]
    [InlineData("0.000000000000000000000000000001", "0.1")]
    public void Objectives_take_every_quantile_strictly_between_0_and_1_and_every_error_from_the_minimum(string quantile, string error)
    {
        string json = """{"metric_name":"a","metric_type":"summary","value":1,"objectives":[{"quantile":""" + quantile + ""","error":""" + error + "}]}";

        Assert.Null(IngestOne(json));
        Assert.Null(SchemaRecordReader.Read(Encoding.UTF8.GetBytes(json), 10, out _).Items[0].Rejection);
    }

    public static TheoryData<string, bool> LongInputs()
    {
        string name = new('x', 999_999);
        static string J(string text) => text.Replace('\'', '"');
        return new()
        {
            { J("{'metric_name':'a','metric_type':'gauge','value':1,'labels':{'-" + name + "':'v'}}"), true },
            { J("{'metric_name':'a','metric_type':'gauge','value':1,'labels':{'x" + name + "':'v'}}"), true },
            { J("{'metric_name':'a','metric_type':'gauge','value':1,'y" + name + "':1}"), true },
            { J("{'metric_name':'a','metric_type':'gauge','value':1,'labels':{'x" + name + "':1}}"), true },
            { J("{'metric_name':'a','metric_type':'gauge','value':1,'x" + name + "':1,'x" + name + "':2}"), false },
        };
    }

    /// <summary>A refusal names what was wrong without sending a megabyte back, or writing it to the log.</summary>
    [Theory]
    [MemberData(nameof(LongInputs))]
    public void Echoed_input_is_cut_to_128_characters_with_its_length(string json, bool namesLength)
    {
        var rejection = IngestOne(json);

        Assert.NotNull(rejection);
        Assert.InRange(rejection.Detail.Length, 1, 1024);
        Assert.InRange(rejection.Field.Length, 0, 256);
        if (namesLength)
        {
            Assert.Contains("(1000000 characters)", rejection.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_record_built_in_code_with_a_long_name_is_refused_without_echoing_it_whole()
    {
        var record = new MetricRecord(new string('-', 1_000_000), MetricType.Counter);
        var labelled = new MetricRecord("a", MetricType.Counter) { Labels = TestCollector.Labels((new string('-', 1_000_000), "v")) };

        var byName = RecordValidator.Validate(record)!;
        var byLabel = RecordValidator.Validate(labelled)!;

        Assert.InRange(byName.Detail.Length, 1, 1024);
        Assert.InRange(byLabel.Detail.Length, 1, 1024);
        Assert.InRange(byLabel.Field.Length, 1, 256);
        Assert.Contains("(1000000 characters)", byLabel.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void An_integer_beyond_64_bits_that_fits_a_double_is_read_as_that_double()
    {
        var batch = Read("""{"metric_name":"a","metric_type":"gauge","value":123456789012345678901234567890}""", out var rejection);

        Assert.Null(rejection);
        Assert.Equal(1.2345678901234568e29, batch.Items[0].Record!.Value);
    }

    [Fact]
    public void Invalid_utf8_is_malformed_json()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":" """), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}")];

        MetricRecordReader.Read(body, 10, out var rejection);

        Assert.Equal(RejectionReason.MalformedJson, rejection!.Reason);
    }

    [Fact]
    public void Deep_nesting_is_malformed_json_not_a_crash()
    {
        string json = new string('[', 10_000) + new string(']', 10_000);

        Read(json, out var rejection);

        Assert.Equal(RejectionReason.MalformedJson, rejection!.Reason);
    }

    [Fact]
    public void A_batch_over_the_limit_is_refused_whole()
    {
        string json = "[" + string.Join(",", Enumerable.Repeat("""{"metric_name":"a","metric_type":"counter"}""", 11)) + "]";

        var batch = Read(json, out var rejection, maxBatchSize: 10);

        Assert.Equal(RejectionReason.BatchTooLarge, rejection!.Reason);
        Assert.Equal(413, rejection.StatusCode);
        Assert.Empty(batch.Items);
    }

    [Fact]
    public void A_valid_record_is_read_with_every_field()
    {
        var batch = Read("""
            {"metric_name":"step_seconds","metric_type":"summary","values":[0.5,1e2],
             "labels":{"appId":"a","stepId":"2024-01-01"},"objectives":[{"quantile":0.9,"error":0.01}],"help":"Step time.",
             "ttl_seconds":600}
            """, out var rejection);

        Assert.Null(rejection);
        Assert.False(batch.IsBatch);
        var record = batch.Items[0].Record!;
        Assert.Equal("step_seconds", record.Name);
        Assert.Equal(MetricType.Summary, record.Type);
        Assert.Equal([0.5, 100], record.Values!);
        Assert.Equal("2024-01-01", record.Labels["stepId"]);
        Assert.Equal(new QuantileObjective(0.9, 0.01), record.Objectives![0]);
        Assert.Equal("Step time.", record.Help);
        Assert.Equal(TimeSpan.FromMinutes(10), record.TimeToLive);
    }

    [Fact]
    public void A_batch_reads_every_item_and_refuses_only_the_bad_ones()
    {
        var batch = Read("""
            [{"metric_name":"a","metric_type":"gauge","value":1,"operation":"dec"},
             {"metric_name":"b","metric_type":"gauge"},
             {"metric_name":"c","metric_type":"counter","value":3}]
            """, out var rejection);

        Assert.Null(rejection);
        Assert.True(batch.IsBatch);
        Assert.Equal(GaugeOperation.Dec, batch.Items[0].Record!.Operation);
        Assert.Equal("/value", batch.Items[1].Rejection!.Field);
        Assert.Equal(RejectionReason.SchemaViolation, batch.Items[1].Rejection!.Reason);
        Assert.Equal(3, batch.Items[2].Record!.Value);
    }

    [Fact]
    public void Unicode_and_control_characters_in_label_values_are_kept_exactly()
    {
        var batch = Read("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"x":"q\"b\\n\nü✓"}}""", out _);

        Assert.Equal("q\"b\\n\nü✓", batch.Items[0].Record!.Labels["x"]);
    }
}
