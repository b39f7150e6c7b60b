using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MetricCollector.Recording;

/// <summary>
/// Reads a <c>POST /record</c> body the reference way: strict JSON (RFC 8259 as System.Text.Json judges it, no
/// duplicate keys, valid UTF-8) parsed by Newtonsoft, one record or an array of them, each validated against
/// <c>schemas/metric_record.schema.json</c> by NJsonSchema. <see cref="MetricRecordReader"/> takes a faster path and
/// comes here for every record it does not accept, so the refusals keep NJsonSchema's verdict and wording.
/// </summary>
internal static class SchemaRecordReader
{

    private static readonly JsonLoadSettings LoadSettings = new()
    {
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore,
        LineInfoHandling = LineInfoHandling.Load,
    };

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the body, or returns the rejection of the whole body.</summary>
    public static RecordBatch Read(ReadOnlyMemory<byte> body, int maxBatchSize, out RecordRejection? bodyRejection)
    {
        bodyRejection = null;
        if (IsBlank(body.Span))
        {
            bodyRejection = new RecordRejection(RejectionReason.EmptyBody, "", "the body is empty; send one record object or an array of records.");
            return Empty;
        }

        JToken token;
        try
        {
            token = Parse(body);
        }
        catch (JsonException ex)
        {
            bodyRejection = new RecordRejection(RejectionReason.MalformedJson, "", "the body is not valid JSON: " + Echo.Of(ex.Message, 4 * Echo.MaxLength));
            return Empty;
        }
        catch (DecoderFallbackException)
        {
            bodyRejection = new RecordRejection(RejectionReason.MalformedJson, "", "the body is not valid UTF-8.");
            return Empty;
        }

        var unpaired = UnpairedSurrogates.FindIn(body.Span);
        if (token is JArray array)
        {
            if (array.Count == 0)
            {
                bodyRejection = EmptyBatch();
                return Empty;
            }

            if (array.Count > maxBatchSize)
            {
                bodyRejection = BatchTooLarge(array.Count, maxBatchSize);
                return Empty;
            }

            var items = new RecordBatchItem[array.Count];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = ReadItem(array[i], unpaired?.GetValueOrDefault(i));
            }

            return new RecordBatch(true, items);
        }

        return new RecordBatch(false, [ReadItem(token, unpaired?.GetValueOrDefault(0))]);
    }

    /// <summary>The batch of a refused body: no items.</summary>
    public static readonly RecordBatch Empty = new(false, []);

    public static RecordRejection EmptyBatch() =>
        new(RejectionReason.EmptyBody, "", "the batch is empty; send at least one record.");

    public static RecordRejection BatchTooLarge(int count, int maxBatchSize) =>
        new(RejectionReason.BatchTooLarge, "", $"the batch holds {count} records; at most {maxBatchSize} are allowed per request.");

    /// <summary>Parses the body as <see cref="Read"/> does; throws what it catches.</summary>
    public static JToken Parse(ReadOnlyMemory<byte> body)
    {
        // System.Text.Json judges the syntax: Newtonsoft alone would read 010 as 8, 0x1F, NaN, unquoted or
        // single-quoted names, trailing commas and a leading comment, and its tree would then be recorded.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new DecoderFallbackException("the body is not valid UTF-8.");
        }

        if (SyntaxError(body.Span) is { } syntaxError)
        {
            throw new JsonReaderException(syntaxError);
        }

        var bytes = MemoryMarshal.TryGetArray(body, out var segment) ? segment : new ArraySegment<byte>(body.ToArray());
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false);
        using var reader = new JsonTextReader(text)
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = RecordLimits.MaxJsonDepth,
        };
        var token = JToken.ReadFrom(reader, LoadSettings);
        if (reader.Read())
        {
            throw new JsonReaderException($"unexpected content after the JSON value at line {reader.LineNumber}, position {reader.LinePosition}.");
        }

        ReplaceBigIntegers(token);
        return token;
    }

    /// <summary>Why the body is not RFC 8259 JSON (as <see cref="Validation.JsonTape"/> reads it), or null when it is.</summary>
    private static string? SyntaxError(ReadOnlySpan<byte> body)
    {
        var reader = new System.Text.Json.Utf8JsonReader(body, Validation.JsonTape.ReaderOptions);
        try
        {
            while (reader.Read())
            {
            }

            return null;
        }
        catch (System.Text.Json.JsonException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Newtonsoft reads integers beyond 64 bits as <see cref="BigInteger"/>, which NJsonSchema's number check cannot
    /// convert (it throws); such a number becomes the nearest double, +-Infinity when out of range, which the
    /// collector then refuses as not finite.
    /// </summary>
    private static void ReplaceBigIntegers(JToken token)
    {
        switch (token)
        {
            case JValue { Value: BigInteger big } value:
                // Through its digits: the conversion of a BigInteger to double truncates instead of rounding.
                value.Value = double.Parse(big.ToString(CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case JContainer container:
                for (var child = container.First; child is not null; child = child.Next)
                {
                    ReplaceBigIntegers(child is JProperty property ? property.Value : child);
                }

                break;
        }
    }

    /// <summary>
    /// Validates one item of a parsed body and builds its record, or translates NJsonSchema's errors. Newtonsoft has
    /// read an unpaired surrogate escape as U+FFFD: <paramref name="unpaired"/>, found in the body, refuses the item
    /// once the schema has accepted it.
    /// </summary>
    public static RecordBatchItem ReadItem(JToken token, RecordRejection? unpaired)
    {
        if (token is not JObject record)
        {
            return new RecordBatchItem(null, new RecordRejection(RejectionReason.SchemaViolation, "", "a record must be a JSON object."));
        }

        var errors = RecordSchema.Validate(record);
        if (errors.Count > 0)
        {
            return new RecordBatchItem(null, SchemaErrorTranslator.Translate(record, errors));
        }

        if (unpaired is not null)
        {
            return new RecordBatchItem(null, unpaired);
        }

        return new RecordBatchItem(ToRecord(record), null);
    }

    /// <summary>Builds the record from an object the schema accepted, so every field has its expected JSON type.</summary>
    private static MetricRecord ToRecord(JObject json)
    {
        if (!TypeNames.TryParse((string?)json["metric_type"], out var type))
        {
            throw new InvalidOperationException("The schema admits only the four metric types.");
        }

        return new MetricRecord((string)json["metric_name"]!, type)
        {
            Value = json["value"] is { } value ? ToDouble(value) : null,
            Values = json["values"] is JArray values ? ToDoubles(values) : null,
            Operation = (string?)json["operation"] switch
            {
                "inc" => GaugeOperation.Inc,
                "dec" => GaugeOperation.Dec,
                _ => GaugeOperation.Set,
            },
            Labels = json["labels"] is JObject labels ? ToLabels(labels) : MetricRecord.EmptyLabels,
            Buckets = json["buckets"] is JArray buckets ? ToDoubles(buckets) : null,
            Objectives = json["objectives"] is JArray objectives ? ToObjectives(objectives) : null,
            Help = (string?)json["help"],
            TimeToLive = json["ttl_seconds"] is { } ttl ? TimeSpan.FromSeconds((long)ttl) : null,
        };
    }

    // Newtonsoft keeps integers beyond long as BigInteger and 1e400 as +Infinity; both end up non-finite or exact here,
    // and the collector refuses what is not finite.
    private static double ToDouble(JToken token) => (double)token;

    private static double[] ToDoubles(JArray array)
    {
        var result = new double[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ToDouble(array[i]);
        }

        return result;
    }

    private static Dictionary<string, string> ToLabels(JObject labels)
    {
        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var property in labels.Properties())
        {
            result[property.Name] = (string)property.Value!;
        }

        return result;
    }

    private static QuantileObjective[] ToObjectives(JArray array)
    {
        var result = new QuantileObjective[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new QuantileObjective(ToDouble(array[i]["quantile"]!), ToDouble(array[i]["error"]!));
        }

        return result;
    }

    /// <summary>True for a body of JSON whitespace only.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
