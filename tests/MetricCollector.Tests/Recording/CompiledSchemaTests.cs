using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using MetricCollector.Recording;
using MetricCollector.Recording.Validation;
using Newtonsoft.Json.Linq;

namespace MetricCollector.Tests.Recording;

/// <summary>
/// The fast path against the reference path (Newtonsoft + NJsonSchema) on generated records: same verdict on every
/// record, same record built from every accepted one, same answer for every body.
/// </summary>
public sealed class CompiledSchemaTests
{
    private const int Samples = 20_000;

    [Fact]
    public void The_compiled_schema_is_built_from_the_schema_file()
    {
        Assert.NotNull(CompiledRecordSchema.Validator);
    }

    [Fact]
    public void The_compiled_validator_agrees_with_NJsonSchema_on_every_generated_record()
    {
        var validator = CompiledRecordSchema.Validator!;
        int refused = 0;
        int[] acceptedByType = new int[4];
        RecordGen.Record.Sample(json =>
        {
            byte[] body = Encoding.UTF8.GetBytes(json);
            JToken reference;
            try
            {
                reference = SchemaRecordReader.Parse(body);
            }
            catch (Newtonsoft.Json.JsonException)
            {
                // A mutation that duplicated a label name: not a record at all, the reader tests cover it.
                return;
            }

            bool njsonSchemaAccepts = RecordSchema.Validate(reference).Count == 0;
            Assert.True(JsonTape.TryRead(body, out var tape));
            using var document = tape!;
            Assert.Equal(njsonSchemaAccepts, validator.IsValid(document.Root));
            // The two finders of unpaired surrogate escapes: on the tape, and in the body for the reference path.
            Assert.Equal(UnpairedSurrogates.FindIn(body)?.GetValueOrDefault(0), UnpairedSurrogates.FirstIn(document.Root));
            if (njsonSchemaAccepts)
            {
                var record = SchemaRecordReader.ReadItem(reference, unpaired: null).Record!;
                AssertSameRecord(record, JsonRecordBuilder.TryBuild(document.Root));
                Interlocked.Increment(ref acceptedByType[(int)record.Type]);
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        }, iter: Samples, print: json => json);

        // Both verdicts, and valid records of every type, must be common, or the comparison proves little.
        Assert.InRange(refused, Samples / 5, Samples * 4 / 5);
        Assert.All(acceptedByType, accepted => Assert.True(accepted > Samples / 50, $"only {accepted} valid records of a type"));
    }

    [Fact]
    public void The_fast_reader_answers_every_generated_body_as_the_reference_reader_does()
    {
        RecordGen.Body.Sample(json => AssertSameRead(Encoding.UTF8.GetBytes(json), 3), iter: 10_000, print: json => json);
    }

    [Theory]
    [InlineData("""/* c */ {"metric_name":"a","metric_type":"counter"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter"} // c""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter" /* c */}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter"}""" + "\u00a0")]
    [InlineData("\ufeff" + """{"metric_name":"a","metric_type":"counter"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","help":"\ud800"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"\udc00":"x"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"\udc00":"x","b":"y"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"b":"\ud800","c":"y"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"b":"\ud83d\ude00","c":"\uDBFF"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"b":"\udc00\ud800"},"help":"\ud800"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":-1,"labels":{"b":"\ud800"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","valeu":1,"labels":{"b":"\ud800"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"\ud800":"x","\udc00":"y"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"\ufffd":"x","\udc00":"y"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"\ud800":"x"}}""")]
    [InlineData("""{"metric_name":"\ud800","metric_type":"counter"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"\ud800"}""")]
    [InlineData("""[{"metric_name":"a","metric_type":"counter"},{"metric_name":"a","metric_type":"counter","labels":{"b":"x\ud800"}},{"metric_name":"a","metric_type":"counter","labels":{"\ud800":"x","\udc00":"y"}}]""")]
    [InlineData("""[{"metric_name":"a","metric_type":"counter","labels":{"b":"x\ud800"}},{"metric_name":"a","metric_type":"counter","x":["\ud800"]},1]""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","metric\u005fname":"b"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","labels":{"a":"1","\u0061":"2"}}""")]
    [InlineData("""{'metric_name':'a','metric_type':'counter'}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":NaN}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":0x10}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":01}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter",}""")]
    [InlineData("""[{"metric_name":"a","metric_type":"counter"},]""")]
    [InlineData("""{"metric_name":"a\n","metric_type":"counter"}""")]
    [InlineData("""{"metric_name":"a","metric_type":"gauge","value":1,"labels":{"a\n":"x"}}""")]
    [InlineData("""{"metric_name":"a","metric_type":"counter","value":-0}""")]
    [InlineData("""["x",{"metric_name":"a","metric_type":"counter"},[]]""")]
    [InlineData("""[{"metric_name":"a","metric_type":"counter","labels":{"x":"1","x":"2"}}]""")]
    [InlineData("""[{"metric_name":"a","metric_type":"counter"},{"metric_name":"a","metric_type":"counter","metric_name":"b"},{},{}]""")]
    [InlineData("""[1,{"metric_name":"a","metric_type":"counter","labels":{"x":"1","x":"2"}}]""")]
    [InlineData("""[]""")]
    [InlineData("""  """)]
    [InlineData("""[{"metric_name":"a","metric_type":"counter"},{"metric_name":"a","metric_type":"counter"},{"metric_name":"a","metric_type":"counter"},{"metric_name":"a","metric_type":"counter"}]""")]
    public void Unusual_bodies_are_answered_as_the_reference_reader_answers_them(string json)
    {
        AssertSameRead(Encoding.UTF8.GetBytes(json), 3);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void Nesting_limits_match_the_reference_reader(int depth)
    {
        string json = """{"metric_name":"a","metric_type":"counter","x":""" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        AssertSameRead(Encoding.UTF8.GetBytes(json), 3);
    }

    [Theory]
    [InlineData(378)]
    [InlineData(379)]
    [InlineData(380)]
    [InlineData(381)]
    public void Integers_too_long_for_Newtonsoft_are_answered_as_the_reference_reader_answers_them(int length)
    {
        string integer = "-1" + new string('0', length - 2);

        AssertSameRead(Encoding.UTF8.GetBytes("""{"metric_name":"a","metric_type":"gauge","value":""" + integer + "}"), 3);
        AssertSameRead(Encoding.UTF8.GetBytes("""{"metric_name":"a","metric_type":"gauge","value":""" + integer[1..] + "}"), 3);
    }

    [Fact]
    public void Invalid_utf8_is_answered_as_the_reference_reader_answers_it()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"metric_name":"a","metric_type":"counter","help":" """), 0xFF, .. Encoding.UTF8.GetBytes("\"}")];

        AssertSameRead(body, 3);
    }

    [Fact]
    public void A_tighter_limit_in_the_schema_text_changes_the_verdict()
    {
        string schema = RecordSchema.ReadText();
        string tighter = schema.Replace("\"maxLength\": 200", "\"maxLength\": 5", StringComparison.Ordinal);
        Assert.NotEqual(schema, tighter);
        using var record = Tape("""{"metric_name":"sandbox_allocations","metric_type":"counter"}""");

        Assert.True(SchemaCompiler.Compile(schema).IsValid(record.Root));
        Assert.False(SchemaCompiler.Compile(tighter).IsValid(record.Root));
    }

    [Fact]
    public void A_property_added_to_the_schema_text_is_accepted_without_code()
    {
        string schema = RecordSchema.ReadText();
        string extended = schema.Replace("\"properties\": {", "\"properties\": {\n    \"unit\": { \"type\": \"string\", \"maxLength\": 8 },", StringComparison.Ordinal);
        using var withUnit = Tape("""{"metric_name":"a","metric_type":"counter","unit":"seconds"}""");
        using var badUnit = Tape("""{"metric_name":"a","metric_type":"counter","unit":"nanoseconds"}""");

        Assert.False(SchemaCompiler.Compile(schema).IsValid(withUnit.Root));
        Assert.True(SchemaCompiler.Compile(extended).IsValid(withUnit.Root));
        Assert.False(SchemaCompiler.Compile(extended).IsValid(badUnit.Root));
    }

    [Theory]
    [InlineData("format", "\"email\"")]
    [InlineData("$ref", "\"#/definitions/x\"")]
    [InlineData("type", "[\"string\", \"null\"]")]
    [InlineData("enum", "[\"True\"]")]
    [InlineData("multipleOf", "2")]
    public void A_keyword_the_compiler_does_not_implement_leaves_every_record_to_NJsonSchema(string keyword, string value)
    {
        var schema = JsonNode.Parse(RecordSchema.ReadText())!;
        schema["properties"]!["help"]![keyword] = JsonNode.Parse(value);

        Assert.NotNull(CompiledRecordSchema.TryCompile(RecordSchema.ReadText()));
        Assert.Null(CompiledRecordSchema.TryCompile(schema.ToJsonString()));
    }

    [Theory]
    [InlineData("9223372036854777855")]
    [InlineData("49183380649905222844")]
    [InlineData("-49183380649905222844")]
    [InlineData("123456789012345678901234567890")]
    public void Both_paths_read_an_integer_beyond_64_bits_as_the_nearest_double_as_its_decimal_form_reads(string digits)
    {
        // A review: the conversion through BigInteger truncated, so 49183380649905222844 read 4.918338064990522e19
        // and the same number written "...844.0" read 4.9183380649905226e19.
        double nearest = double.Parse(digits + ".0", CultureInfo.InvariantCulture);
        byte[] body = Encoding.UTF8.GetBytes($$"""{"metric_name":"g","metric_type":"gauge","value":{{digits}}}""");

        var reference = SchemaRecordReader.Read(body, 1000, out _);
        var fast = MetricRecordReader.Read(body, 1000, out _);

        Assert.Equal(nearest, reference.Items[0].Record!.Value);
        Assert.Equal(nearest, fast.Items[0].Record!.Value);
    }

    private static JsonTape Tape(string json)
    {
        Assert.True(JsonTape.TryRead(Encoding.UTF8.GetBytes(json), out var tape));
        return tape!;
    }

    private static void AssertSameRead(byte[] body, int maxBatchSize)
    {
        var expected = SchemaRecordReader.Read(body, maxBatchSize, out var expectedRejection);
        var actual = MetricRecordReader.Read(body, maxBatchSize, out var actualRejection);

        Assert.Equal(expectedRejection, actualRejection);
        Assert.Equal(expected.IsBatch, actual.IsBatch);
        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (int i = 0; i < expected.Items.Count; i++)
        {
            Assert.Equal(expected.Items[i].Rejection, actual.Items[i].Rejection);
            if (expected.Items[i].Record is { } record)
            {
                AssertSameRecord(record, actual.Items[i].Record);
            }
        }
    }

    private static void AssertSameRecord(MetricRecord expected, MetricRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(Bits(expected.Value), Bits(actual.Value));
        Assert.Equal(Bits(expected.Values), Bits(actual.Values));
        Assert.Equal(expected.Operation, actual.Operation);
        Assert.Equal(expected.Labels.OrderBy(l => l.Key, StringComparer.Ordinal), actual.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        Assert.Equal(Bits(expected.Buckets), Bits(actual.Buckets));
        Assert.Equal(expected.Objectives, actual.Objectives);
        Assert.Equal(expected.Help, actual.Help);
        Assert.Equal(expected.TimeToLive, actual.TimeToLive);
    }

    // Bit patterns, so that -0 and 0 differ, as they do in the exposition.
    private static long? Bits(double? value) => value is double d ? BitConverter.DoubleToInt64Bits(d) : null;

    private static long[]? Bits(IReadOnlyList<double>? values) => values?.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
