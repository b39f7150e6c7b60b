using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using MetricCollector.Tests.Exposition;

namespace MetricCollector.Gateway.Tests.Recording;

/// <summary>
/// Random and mutated bodies thrown at a running gateway's <c>POST /record</c>: whatever arrives, the answer is a 2xx
/// or a 4xx, the gateway keeps serving, <c>/metrics</c> stays valid for promtool and the strict OpenMetrics parser,
/// and what was recorded before is untouched.
/// </summary>
public sealed class HostileInputTests
{
    private const int Inputs = 3000;

    private static readonly Gen<string> Names = Gen.OneOf(
        "fuzz_a", "fuzz_b", "fuzz_c_total", "fuzz_d", "9lives", "", "__reserved", "a-b", "gateway_spoof", "metric_collector_x",
        "fuzz_a_total", "fuzz_b_bucket", "fuzz_b_count", "ü", new string('n', 201));

    private static readonly Gen<string> Types = Gen.OneOf("\"counter\"", "\"gauge\"", "\"histogram\"", "\"summary\"", "\"COUNTER\"", "\"\"", "1", "null", "[]");

    private static readonly Gen<string> Numbers = Gen.OneOf(
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e400"),
        Gen.OneOf("0", "-0", "-1", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "9223372036854775808", "0.1", "\"1\"", "true", "null", "{}", "[1]"));

    /// <summary>Label values with everything an exposition must escape or carry: quotes, backslashes, newlines, controls, astral characters.</summary>
    private static readonly Gen<string> LabelValue = Gen.OneOf(
        Gen.Char["abcXYZ019_ -.:/"].Array[0, 12].Select(chars => new string(chars)),
        Gen.Char.Array[0, 12].Select(chars => new string(chars)),
        Gen.OneOf("\"", "\\", "\n", "\r\n", "\t", "\u0000", "\u001f", "\u2028", "😀", "数据", "} 1\nfake 2", "# EOF", "\ud800"))
        .Select(JsonString);

    private static readonly Gen<string> LabelName = Gen.OneOf("pool", "zone", "le", "quantile", "__x", "9", "", "a b", "ü", "pool");

    private static readonly Gen<string> Labels = Gen.Select(LabelName, LabelValue).Array[0, 4]
        .Select(pairs => "{" + string.Join(",", pairs.Select(p => JsonString(p.Item1) + ":" + p.Item2)) + "}");

    private static readonly Gen<string> Record = Gen.Select(Names, Types, Numbers, Labels, Numbers.Array[0, 5], Gen.Int[0, 7]).Select(
        (name, type, value, labels, values, extra) =>
        {
            var fields = new List<string> { "\"metric_name\":" + JsonString(name), "\"metric_type\":" + type };
            if (extra != 1)
            {
                fields.Add("\"value\":" + value);
            }

            if (extra is 2 or 3)
            {
                fields.Add("\"values\":[" + string.Join(",", values) + "]");
            }

            fields.Add("\"labels\":" + labels);
            fields.Add(extra switch
            {
                4 => "\"buckets\":[" + string.Join(",", values) + "]",
                5 => "\"metric_name\":\"duplicate\"",
                6 => "\"labels\":{\"nested\":{\"deep\":[1,2,{\"x\":null}]}}",
                _ => "\"help\":" + JsonString(name),
            });
            return "{" + string.Join(",", fields) + "}";
        });

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (6, Record.Select(r => Encoding.UTF8.GetBytes(r))),
        (3, Record.Array[1, 6].Select(rs => Encoding.UTF8.GetBytes("[" + string.Join(",", rs) + "]"))),
        (1, Gen.Int[1, 5000].Select(depth => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Int[1, 2000].Select(depth => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))),
        (2, Gen.Select(Record, Gen.Int[0, 1000]).Select((r, cut) => Encoding.UTF8.GetBytes(r)[..Math.Min(cut, Encoding.UTF8.GetByteCount(r))])),
        (2, Gen.Select(Record, Gen.Int[0, 1000], Gen.Byte).Select((r, at, b) => Mutate(Encoding.UTF8.GetBytes(r), at, b))),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.OneOf("", " ", "null", "true", "1", "\"x\"", "[]", "{}", "[null]", "\ufeff{}", "{\"metric_name\":\"a\"}{}").Select(s => Encoding.UTF8.GetBytes(s))));

    [Fact]
    public async Task Random_and_mutated_bodies_never_get_a_5xx_and_never_corrupt_what_was_recorded()
    {
        await using var gateway = await RunningGateway.StartAsync("--MetricCollector:MaxBodyBytes=65536");
        using var baseline = await PostAsync(gateway, Encoding.UTF8.GetBytes(
            """[{"metric_name":"sentinel_total","metric_type":"counter","value":7,"labels":{"pool":"p"}},{"metric_name":"sentinel_level","metric_type":"gauge","value":-3.5}]"""));
        Assert.Equal(HttpStatusCode.Accepted, baseline.StatusCode);
        var statuses = new Dictionary<int, int>();

        await Body.SampleAsync(async body =>
        {
            using var response = await PostAsync(gateway, body);
            int status = (int)response.StatusCode;
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }

            return status < 500 && (status < 300 || response.Content.Headers.ContentType?.MediaType == "application/problem+json");
        }, iter: Inputs, threads: 4);

        string text = await gateway.MetricsAsync();
        var (promtool, output) = await ExpositionOracles.PromtoolCheckAsync(text);
        Assert.True(promtool is 0 or 3, $"promtool could not parse /metrics (exit {promtool}): {output}");
        Assert.DoesNotContain("error while linting", output, StringComparison.Ordinal);
        Assert.True(await ExpositionOracles.PythonParseAsync(await gateway.MetricsAsync("application/openmetrics-text;version=1.0.0"), openMetrics: true) > 0);
        Assert.Equal(7, MetricsText.Value(text, """sentinel_total{pool="p"}"""));
        Assert.Equal(-3.5, MetricsText.Value(text, "sentinel_level"));
        double counted = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("metric_collector_records_total{", StringComparison.Ordinal))
            {
                counted += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        Assert.True(counted >= Inputs, $"only {counted} records counted for {Inputs} requests");
        // The generator must reach both sides: bodies that are applied and bodies that are refused.
        Assert.True(statuses.Keys.Any(status => status < 300) && statuses.Keys.Any(status => status >= 400), "answers: " + string.Join(", ", statuses));
    }

    [Fact]
    public async Task A_histogram_with_a_negative_bound_is_refused_and_the_openmetrics_scrape_stays_strictly_parseable()
    {
        await using var gateway = await RunningGateway.StartAsync();

        using var negative = await PostAsync(gateway, """{"metric_name":"e_h4","metric_type":"histogram","value":1,"buckets":[-1,0,1]}"""u8.ToArray());
        using var fromZero = await PostAsync(gateway, """{"metric_name":"e_h5","metric_type":"histogram","value":1,"buckets":[0,1]}"""u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        using var problem = System.Text.Json.JsonDocument.Parse(await negative.Content.ReadAsStringAsync());
        Assert.Equal("/buckets/0", problem.RootElement.GetProperty("field").GetString());
        Assert.Contains("bucket bounds must be >= 0", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, fromZero.StatusCode);
        string openMetrics = await gateway.MetricsAsync("application/openmetrics-text;version=1.0.0");
        Assert.DoesNotContain("e_h4", openMetrics, StringComparison.Ordinal);
        Assert.Contains("e_h5_sum", openMetrics, StringComparison.Ordinal);
        Assert.True(await ExpositionOracles.PythonParseAsync(openMetrics, openMetrics: true) > 0);
    }

    private static async Task<HttpResponseMessage> PostAsync(RunningGateway gateway, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        return await gateway.Client.PostAsync("/record", content);
    }

    private static byte[] Mutate(byte[] bytes, int at, byte value)
    {
        if (bytes.Length == 0)
        {
            return [value];
        }

        var copy = (byte[])bytes.Clone();
        copy[at % copy.Length] = value;
        return copy;
    }

    private static string JsonString(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                < ' ' => text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
