using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Gateway.Tests.Recording;

public sealed class RecordEndpointTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync("--MetricCollector:MaxBodyBytes=4096", "--MetricCollector:MaxBatchSize=20");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string body, string? contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return _gateway.Client.PostAsync("/record", content);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<double> SampleAsync(string series)
    {
        foreach (string line in (await _gateway.MetricsAsync()).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"series {series} not in /metrics");
    }

    [Fact]
    public async Task An_accepted_record_answers_202_and_shows_in_metrics()
    {
        using var response = await PostAsync("""{"metric_name":"sandbox_allocations","metric_type":"counter","labels":{"poolName":"default"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        Assert.Equal(1, await SampleAsync("sandbox_allocations_total{poolName=\"default\"}"));
    }

    [Fact]
    public async Task An_all_accepted_answer_is_the_summary_json_with_its_length_not_chunked()
    {
        using var single = await PostAsync("""{"metric_name":"answers","metric_type":"counter"}""");
        using var batch = await PostAsync("""[{"metric_name":"answers","metric_type":"counter"},{"metric_name":"answers","metric_type":"counter","value":2}]""");

        Assert.Equal("""{"accepted":1,"rejected":0}""", await single.Content.ReadAsStringAsync());
        Assert.Equal("""{"accepted":2,"rejected":0}""", await batch.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=utf-8", single.Content.Headers.ContentType?.ToString());
        Assert.Equal(27, single.Content.Headers.ContentLength);
        Assert.NotEqual(true, single.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task A_help_text_with_a_line_feed_is_refused_and_writes_nothing_into_metrics()
    {
        using var counter = await PostAsync("""{"metric_name":"injected","metric_type":"counter","help":"x\ngateway_requests_total{route=\"a\"} 1e9"}""");
        using var histogram = await PostAsync("""{"metric_name":"injected_seconds","metric_type":"histogram","value":1,"help":"x\n# EOF"}""");

        Assert.Equal(HttpStatusCode.BadRequest, counter.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, histogram.StatusCode);
        Assert.Equal("/help", (await JsonAsync(counter)).GetProperty("field").GetString());
        string metrics = await _gateway.MetricsAsync();
        Assert.DoesNotContain("injected", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("1e9", metrics, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>"a\ud800"</c> and <c>"a\udbff"</c> are no Unicode strings; read leniently, both would become <c>a</c> and
    /// U+FFFD and be counted in one series. Each is refused instead, naming the field, and counted as refused.
    /// </summary>
    [Fact]
    public async Task A_string_with_an_unpaired_surrogate_escape_is_refused_naming_the_field_and_nothing_is_recorded()
    {
        using var high = await PostAsync("""{"metric_name":"lone","metric_type":"counter","labels":{"pool":"a\ud800"}}""");
        using var low = await PostAsync("""{"metric_name":"lone","metric_type":"counter","labels":{"pool":"a\udbff"}}""");
        using var help = await PostAsync("""{"metric_name":"lone_help","metric_type":"gauge","value":1,"help":"x\uDC00"}""");
        using var batch = await PostAsync("""[{"metric_name":"gateway_lone","metric_type":"counter"},{"metric_name":"lone","metric_type":"counter","labels":{"pool":"\ud83d\ude00\ude00"}}]""");

        foreach (var (response, field, escape) in new[] { (high, "/labels/pool", "\\ud800"), (low, "/labels/pool", "\\udbff"), (help, "/help", "\\udc00"), (batch, "/1/labels/pool", "\\ude00") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await JsonAsync(response);
            Assert.Equal("urn:metric-collector:problem:invalid_value", problem.GetProperty("type").GetString());
            Assert.Equal(field, problem.GetProperty("field").GetString());
            var error = problem.GetProperty("errors")[problem.GetProperty("errors").GetArrayLength() - 1];
            Assert.Equal("invalid_value", error.GetProperty("reason").GetString());
            Assert.Contains($"unpaired surrogate ({escape}), which is not a Unicode character", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        string metrics = await _gateway.MetricsAsync();
        Assert.DoesNotContain("lone", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("\ufffd", metrics, StringComparison.Ordinal);
        Assert.Equal(4, MetricsText.Value(metrics, "metric_collector_records_total{result=\"rejected\",reason=\"invalid_value\"}"));
    }

    [Fact]
    public async Task A_charset_parameter_and_a_json_suffix_type_are_json()
    {
        using var withCharset = await PostAsync("""{"metric_name":"a","metric_type":"gauge","value":1}""", "application/json; charset=utf-8");
        using var suffixed = await PostAsync("""{"metric_name":"a","metric_type":"gauge","value":2}""", "application/vnd.metrics+json");

        Assert.Equal(HttpStatusCode.Accepted, withCharset.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, suffixed.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/+json")]
    [InlineData("application/json+")]
    [InlineData("text/json")]
    [InlineData(null)]
    public async Task A_body_that_is_not_json_gets_415_problem_details(string? contentType)
    {
        using var response = await PostAsync("""{"metric_name":"a","metric_type":"gauge","value":1}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:unsupported_media_type", problem.GetProperty("type").GetString());
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
        Assert.Equal("Content-Type", problem.GetProperty("field").GetString());
        Assert.Equal(
            contentType is null ? "the Content-Type header is missing: send Content-Type: application/json." : $"Content-Type must be application/json (or application/<name>+json), not '{contentType}'.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(1, await SampleAsync("metric_collector_records_total{result=\"rejected\",reason=\"unsupported_media_type\"}"));
    }

    private async Task<HttpResponseMessage> PostBytesAsync(byte[] body, string contentType = "application/json", string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return await _gateway.Client.PostAsync("/record", content);
    }

    [Fact]
    public async Task A_body_that_starts_with_a_UTF8_byte_order_mark_is_read_without_it()
    {
        // RFC 8259 lets a parser ignore a byte order mark; some Windows tools write one.
        byte[] record = Encoding.UTF8.GetBytes("""{"metric_name":"bom_level","metric_type":"gauge","value":5}""");
        using var withBom = await PostBytesAsync([0xEF, 0xBB, 0xBF, .. record]);
        using var bomAlone = await PostBytesAsync([0xEF, 0xBB, 0xBF]);
        using var twoBoms = await PostBytesAsync([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. record]);

        Assert.Equal(HttpStatusCode.Accepted, withBom.StatusCode);
        Assert.Equal(5, await SampleAsync("bom_level"));
        Assert.Equal("urn:metric-collector:problem:empty_body", (await JsonAsync(bomAlone)).GetProperty("type").GetString());
        Assert.Equal("urn:metric-collector:problem:malformed_json", (await JsonAsync(twoBoms)).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task A_compressed_body_gets_415_naming_the_encoding(string encoding)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("""{"metric_name":"zipped","metric_type":"counter"}"""));
        }

        using var response = await PostBytesAsync(compressed.ToArray(), contentEncoding: encoding);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:unsupported_media_type", problem.GetProperty("type").GetString());
        Assert.Equal("Content-Encoding", problem.GetProperty("field").GetString());
        Assert.Contains($"'{encoding}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("identity", string.Join(", ", response.Headers.GetValues("Accept-Encoding")));
        Assert.Equal(1, await SampleAsync("metric_collector_records_total{result=\"rejected\",reason=\"unsupported_media_type\"}"));
        Assert.DoesNotContain("zipped", await _gateway.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_identity_content_encoding_is_no_encoding()
    {
        using var response = await PostBytesAsync(Encoding.UTF8.GetBytes("""{"metric_name":"plain_level","metric_type":"gauge","value":1}"""), contentEncoding: "identity");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16", "utf-16")]
    [InlineData("application/json; charset=UTF-16LE", "UTF-16LE")]
    [InlineData("application/json;charset=ISO-8859-1", "ISO-8859-1")]
    [InlineData("application/json; charset=\"latin1\"", "latin1")]
    [InlineData("application/vnd.metrics+json; charset=us-ascii", "us-ascii")]
    public async Task A_charset_other_than_UTF8_gets_415_naming_it(string contentType, string charset)
    {
        var encoding = charset.StartsWith("utf-16", StringComparison.OrdinalIgnoreCase) ? Encoding.Unicode : Encoding.Latin1;
        using var response = await PostBytesAsync(encoding.GetBytes("""{"metric_name":"wide_level","metric_type":"gauge","value":1}"""), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("Content-Type", problem.GetProperty("field").GetString());
        Assert.Contains($"'{charset}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await SampleAsync("metric_collector_records_total{result=\"rejected\",reason=\"unsupported_media_type\"}"));
    }

    [Theory]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("Application/JSON;Charset=Utf-8")]
    [InlineData("application/problem+json")]
    [InlineData("application/json; version=2")]
    public async Task UTF8_or_no_charset_is_accepted_whatever_its_case(string contentType)
    {
        using var response = await PostBytesAsync(Encoding.UTF8.GetBytes("""{"metric_name":"utf_level","metric_type":"gauge","value":1}"""), contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json;;")]
    [InlineData("application/json;")]
    [InlineData("application/json ; ; charset=utf-8")]
    [InlineData("application/json;charset=utf-8;")]
    [InlineData("application/json;\t;charset=\"utf-8\";;")]
    [InlineData("application/vnd.metrics+json;;version=\"a;;b\"")]
    [InlineData("application/json; charset=utf-8; charset=UTF-8")]
    public async Task Empty_parameters_and_a_charset_repeated_as_UTF8_are_accepted(string contentType)
    {
        // RFC 9110 8.3.1: parameters are *( OWS ";" OWS [ parameter ] ), so an empty one is allowed.
        using var response = await PostBytesAsync(Encoding.UTF8.GetBytes("""{"metric_name":"utf_level","metric_type":"gauge","value":1}"""), contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8; charset=iso-8859-1", "iso-8859-1")]
    [InlineData("application/json;;charset=utf-8;;charset=\"latin1\"", "latin1")]
    [InlineData("application/json; charset=iso-8859-1; charset=utf-8", "iso-8859-1")]
    public async Task A_charset_given_twice_gets_415_unless_both_are_UTF8(string contentType, string charset)
    {
        using var response = await PostBytesAsync(Encoding.UTF8.GetBytes("""{"metric_name":"twice_level","metric_type":"gauge","value":1}"""), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:unsupported_media_type", problem.GetProperty("type").GetString());
        Assert.Equal("Content-Type", problem.GetProperty("field").GetString());
        Assert.Contains($"charset '{charset}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_records_total{result=\"rejected\",reason=\"unsupported_media_type\"}"));
        Assert.DoesNotContain("twice_level", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_whether_announced_or_chunked()
    {
        string large = """{"metric_name":"a","metric_type":"gauge","value":1,"help":" """ + new string('x', 5000) + "\"}";
        using var announced = await PostAsync(large);

        using var chunkedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(large)));
        chunkedContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/record") { Content = chunkedContent };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("urn:metric-collector:problem:body_too_large", (await JsonAsync(chunked)).GetProperty("type").GetString());
        Assert.Equal(2, await SampleAsync("metric_collector_records_total{result=\"rejected\",reason=\"body_too_large\"}"));
    }

    [Theory]
    [InlineData("", "empty_body")]
    [InlineData("{\"metric_name\":", "malformed_json")]
    [InlineData("not json", "malformed_json")]
    [InlineData("null", "schema_violation")]
    [InlineData("42", "schema_violation")]
    [InlineData("\"text\"", "schema_violation")]
    public async Task Bodies_that_are_not_records_get_400_naming_the_reason(string body, string reason)
    {
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:" + reason, problem.GetProperty("type").GetString());
        Assert.Equal(reason, problem.GetProperty("errors")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_bad_record_gets_400_naming_the_field()
    {
        using var response = await PostAsync("""{"metric_name":"lat","metric_type":"histogram","value":0.2,"labels":{"le":"0.5"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("/labels/le", problem.GetProperty("field").GetString());
        Assert.Contains("reserved", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("stackTrace", out _));
    }

    [Fact]
    public async Task A_record_that_would_make_a_counter_infinite_gets_422_value_overflow_and_changes_nothing()
    {
        const string Body = """{"metric_name":"ovc","metric_type":"counter","value":1.7976931348623157e308}""";
        using var first = await PostAsync(Body);
        using var response = await PostAsync(Body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:value_overflow", problem.GetProperty("type").GetString());
        Assert.Equal("Value overflow", problem.GetProperty("title").GetString());
        Assert.Equal("/value", problem.GetProperty("field").GetString());
        string metrics = await _gateway.MetricsAsync();
        Assert.Equal(double.MaxValue, MetricsText.Value(metrics, "ovc_total"));
        Assert.Equal(1, MetricsText.Value(metrics, "metric_collector_records_total{result=\"rejected\",reason=\"value_overflow\"}"));
    }

    [Fact]
    public async Task A_conflicting_record_gets_409_with_the_existing_definition()
    {
        using var first = await PostAsync("""{"metric_name":"pool_size","metric_type":"gauge","value":3,"labels":{"poolName":"p"}}""");
        using var response = await PostAsync("""{"metric_name":"pool_size","metric_type":"gauge","value":3,"labels":{"pool":"p"}}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("/labels", problem.GetProperty("field").GetString());
        var existing = problem.GetProperty("existing_definition");
        Assert.Equal("gauge", existing.GetProperty("type").GetString());
        Assert.Equal("poolName", existing.GetProperty("label_names")[0].GetString());
        Assert.Equal(3, await SampleAsync("pool_size{poolName=\"p\"}"));
    }

    [Fact]
    public async Task A_partly_accepted_batch_gets_207_listing_each_rejected_item()
    {
        using var response = await PostAsync("""
            [{"metric_name":"steps","metric_type":"counter","value":2},
             {"metric_name":"steps","metric_type":"counter","value":-2},
             {"metric_name":"steps","metric_type":"counter","value":3},
             {"metric_name":"steps","metric_type":"gauge","value":1}]
            """);

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        var errors = body.GetProperty("errors");
        Assert.Equal(1, errors[0].GetProperty("index").GetInt32());
        Assert.Equal("/value", errors[0].GetProperty("field").GetString());
        Assert.Equal("invalid_value", errors[0].GetProperty("reason").GetString());
        Assert.Equal(3, errors[1].GetProperty("index").GetInt32());
        Assert.Equal("definition_conflict", errors[1].GetProperty("reason").GetString());
        Assert.Equal(5, await SampleAsync("steps_total"));
    }

    [Fact]
    public async Task A_batch_refused_for_reasons_of_different_statuses_is_named_after_an_item_of_its_status()
    {
        using var response = await PostAsync("""[{"metric_name":"gateway_x","metric_type":"counter"},{"metric_name":"b bad","metric_type":"counter"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("urn:metric-collector:problem:schema_violation", problem.GetProperty("type").GetString());
        Assert.Equal("/1/metric_name", problem.GetProperty("field").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal("reserved_name", errors[0].GetProperty("reason").GetString());
        Assert.Equal("/metric_name", errors[1].GetProperty("field").GetString());
        Assert.StartsWith("metric_name must match", errors[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_only_conflicts_points_into_the_array_at_the_first()
    {
        using var response = await PostAsync("""[{"metric_name":"gateway_y","metric_type":"counter"},{"metric_name":"metric_collector_y","metric_type":"counter"}]""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:metric-collector:problem:reserved_name", problem.GetProperty("type").GetString());
        Assert.Equal("/0/metric_name", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_fully_accepted_batch_gets_202()
    {
        using var response = await PostAsync("""
            [{"metric_name":"alloc_seconds","metric_type":"histogram","values":[0.1,0.2],"buckets":[0.15,1]},
             {"metric_name":"alloc_seconds","metric_type":"histogram","value":5}]
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await JsonAsync(response)).GetProperty("accepted").GetInt32());
        Assert.Equal(3, await SampleAsync("alloc_seconds_count"));
        Assert.Equal(1, await SampleAsync("alloc_seconds_bucket{le=\"0.15\"}"));
    }

    [Fact]
    public async Task A_batch_of_only_conflicts_gets_409_and_a_batch_over_the_limit_413()
    {
        using var define = await PostAsync("""{"metric_name":"g","metric_type":"gauge","value":1}""");
        using var conflicts = await PostAsync("""[{"metric_name":"g","metric_type":"counter"},{"metric_name":"gateway_x","metric_type":"gauge","value":1}]""");
        string tooMany = "[" + string.Join(",", Enumerable.Repeat("""{"metric_name":"n","metric_type":"counter"}""", 21)) + "]";
        using var oversized = await PostAsync(tooMany);

        Assert.Equal(HttpStatusCode.Conflict, conflicts.StatusCode);
        Assert.Equal(2, (await JsonAsync(conflicts)).GetProperty("errors").GetArrayLength());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal("urn:metric-collector:problem:batch_too_large", (await JsonAsync(oversized)).GetProperty("type").GetString());
        Assert.DoesNotContain("n_total", await _gateway.MetricsAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"metric_name":"x","metric_type":"gauge","value":1e999999}""")]
    [InlineData("""{"metric_name":"x","metric_type":"gauge","value":123456789012345678901234567890123456789012345678901234567890}""")]
    [InlineData("""{"metric_name":"x","metric_type":"gauge","value":1,"labels":{"a":"\u0000\u001f"}}""")]
    [InlineData("""{"metric_name":"x","metric_type":"histogram","values":[1],"buckets":[1,2,"3"]}""")]
    [InlineData("""{"":1}""")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]""")]
    [InlineData("""{"metric_name":"x","metric_type":"gauge","value":true}""")]
    [InlineData("""{"metric_name":null,"metric_type":"gauge","value":1}""")]
    public async Task Hostile_bodies_never_get_a_server_error(string body)
    {
        using var response = await PostAsync(body);

        Assert.InRange((int)response.StatusCode, 200, 499);
        await _gateway.MetricsAsync();
    }
}
