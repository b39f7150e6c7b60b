using System.Text.Json;
using System.Text.Unicode;
using MetricCollector.Recording.Validation;
using Newtonsoft.Json.Linq;

namespace MetricCollector.Recording;

/// <summary>
/// Reads a <c>POST /record</c> body: strict JSON (no duplicate keys, no trailing content, valid UTF-8, at most 32
/// levels deep), one record or an array of them, each checked against <c>schemas/metric_record.schema.json</c>.
/// </summary>
/// <remarks>
/// The fast path parses with System.Text.Json and checks with the schema compiled once
/// (<see cref="CompiledRecordSchema"/>). Whatever it does not accept as it is - a record the compiled schema refuses,
/// a body System.Text.Json refuses or reads differently from Newtonsoft (comments, lone surrogates) - goes to
/// <see cref="SchemaRecordReader"/>, the reference path: NJsonSchema stays the authority for every refusal and its
/// wording, and the fast path only ever answers "valid, and here is the record".
/// </remarks>
internal static class MetricRecordReader
{
    // Comments are refused here so that the reference path decides about them: Newtonsoft skips a leading comment
    // but refuses a trailing one. Duplicate names are looked for only in the records the fast path accepts
    // (JsonNames.HasDuplicate): System.Text.Json's own check would cost more than the parse.
    private static readonly JsonDocumentOptions StrictJson = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    // Newtonsoft's JsonTextReader refuses an integer of more characters than this ("is too large to parse").
    private const int NewtonsoftMaxIntegerLength = 380;

    /// <summary>Reads the body, or returns the rejection of the whole body.</summary>
    public static RecordBatch Read(ReadOnlyMemory<byte> body, int maxBatchSize, out RecordRejection? bodyRejection)
    {
        var validator = CompiledRecordSchema.Validator;
        if (validator is null || !Utf8.IsValid(body.Span) || HasLongDigitRun(body.Span) || !TryParse(body, out var document))
        {
            return SchemaRecordReader.Read(body, maxBatchSize, out bodyRejection);
        }

        using (document)
        {
            var root = document.RootElement;
            bodyRejection = null;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ReadItems(body, root, isBatch: false, 1, maxBatchSize, validator, out bodyRejection);
            }

            int count = root.GetArrayLength();
            if (count == 0)
            {
                bodyRejection = SchemaRecordReader.EmptyBatch();
                return SchemaRecordReader.Empty;
            }

            // Too large a batch may also repeat a name somewhere, which makes it malformed first: the reference path,
            // which finds duplicates while parsing, tells which.
            if (count > maxBatchSize)
            {
                return SchemaRecordReader.Read(body, maxBatchSize, out bodyRejection);
            }

            return ReadItems(body, root, isBatch: true, count, maxBatchSize, validator, out bodyRejection);
        }
    }

    private static RecordBatch ReadItems(
        ReadOnlyMemory<byte> body, JsonElement root, bool isBatch, int count, int maxBatchSize, JsonValidator validator, out RecordRejection? bodyRejection)
    {
        bodyRejection = null;
        var items = new RecordBatchItem[count];
        JToken? reference = null;
        try
        {
            if (!isBatch)
            {
                items[0] = ReadItem(body, root, 0, isBatch, validator, ref reference);
            }
            else
            {
                // Enumerated, not indexed: System.Text.Json finds the i-th item of an array of objects by walking to it.
                int i = 0;
                foreach (var json in root.EnumerateArray())
                {
                    items[i] = ReadItem(body, json, i, isBatch, validator, ref reference);
                    i++;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Newtonsoft.Json.JsonException or System.Text.DecoderFallbackException)
        {
            // System.Text.Json cannot read a lone surrogate escape as a string, which Newtonsoft can, and the two
            // parsers might disagree in ways not foreseen here: then the reference path reads the whole body.
            return SchemaRecordReader.Read(body, maxBatchSize, out bodyRejection);
        }

        return new RecordBatch(isBatch, items);
    }

    private static RecordBatchItem ReadItem(
        ReadOnlyMemory<byte> body, JsonElement json, int index, bool isBatch, JsonValidator validator, ref JToken? reference)
    {
        var record = json.ValueKind == JsonValueKind.Object && validator.IsValid(json) && !JsonNames.HasDuplicate(json)
            ? JsonRecordBuilder.TryBuild(json)
            : null;
        if (record is not null)
        {
            return new RecordBatchItem(record, null);
        }

        // Parsed once, on the first item the fast path does not take, then read item by item.
        reference ??= SchemaRecordReader.Parse(body);
        return SchemaRecordReader.ReadItem(isBatch ? reference[index]! : reference);
    }

    private static bool TryParse(ReadOnlyMemory<byte> body, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(body, StrictJson);
            return true;
        }
        catch (JsonException)
        {
            // A malformed body is the reference path's to word.
            document = null!;
            return false;
        }
    }

    /// <summary>
    /// True when the body holds a run of digits as long as the longest integer Newtonsoft reads (it refuses longer
    /// ones as malformed; System.Text.Json reads them). Runs inside strings count too: they only cost the fast path.
    /// </summary>
    private static bool HasLongDigitRun(ReadOnlySpan<byte> body)
    {
        while (body.Length >= NewtonsoftMaxIntegerLength)
        {
            int start = body.IndexOfAnyInRange((byte)'0', (byte)'9');
            if (start < 0)
            {
                return false;
            }

            body = body[start..];
            int length = body.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            if (length < 0 ? body.Length >= NewtonsoftMaxIntegerLength : length >= NewtonsoftMaxIntegerLength)
            {
                return true;
            }

            body = body[length..];
        }

        return false;
    }
}
