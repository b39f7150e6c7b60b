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
/// The fast path reads the body once with System.Text.Json into a <see cref="JsonTape"/> and checks each record with
/// the schema compiled once (<see cref="CompiledRecordSchema"/>). Whatever it does not accept as it is - a record the
/// compiled schema refuses, a body System.Text.Json refuses (the one judge of syntax on both paths, so Newtonsoft's
/// leniency never decides), or one the parsers could read differently (integers too long for Newtonsoft) - goes to
/// <see cref="SchemaRecordReader"/>, the reference path: NJsonSchema stays the authority for every refusal and its
/// wording, and the fast path only ever answers "valid, and here is the record", or, for a valid record with a string
/// that holds an unpaired surrogate escape, refuses it as the reference path does (<see cref="UnpairedSurrogates"/>).
/// </remarks>
internal static class MetricRecordReader
{
    /// <summary>Reads the body, or returns the rejection of the whole body.</summary>
    public static RecordBatch Read(ReadOnlyMemory<byte> body, int maxBatchSize, out RecordRejection? bodyRejection)
    {
        // Invalid UTF-8 is the reference path's to refuse; past this check the validators decode raw text as valid.
        var validator = CompiledRecordSchema.Validator;
        if (validator is null || !Utf8.IsValid(body.Span) || !JsonTape.TryRead(body, out var tape))
        {
            return SchemaRecordReader.Read(body, maxBatchSize, out bodyRejection);
        }

        using (tape)
        {
            var root = tape.Root;
            int count = root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : 1;
            if (root.ValueKind == JsonValueKind.Array && (count == 0 || count > maxBatchSize))
            {
                bodyRejection = count == 0 ? SchemaRecordReader.EmptyBatch() : SchemaRecordReader.BatchTooLarge(count, maxBatchSize);
                return SchemaRecordReader.Empty;
            }

            return ReadItems(body, root, tape.HasUnpairedSurrogate, maxBatchSize, validator, out bodyRejection);
        }
    }

    private static RecordBatch ReadItems(
        ReadOnlyMemory<byte> body, TapeElement root, bool hasUnpairedSurrogate, int maxBatchSize, JsonValidator validator, out RecordRejection? bodyRejection)
    {
        bodyRejection = null;
        bool isBatch = root.ValueKind == JsonValueKind.Array;
        var items = new RecordBatchItem[isBatch ? root.GetArrayLength() : 1];
        JToken? reference = null;
        try
        {
            if (!isBatch)
            {
                items[0] = ReadItem(body, root, 0, isBatch, hasUnpairedSurrogate, validator, ref reference);
            }
            else
            {
                int i = 0;
                foreach (var json in root.EnumerateArray())
                {
                    items[i] = ReadItem(body, json, i, isBatch, hasUnpairedSurrogate, validator, ref reference);
                    i++;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Newtonsoft.Json.JsonException or System.Text.DecoderFallbackException)
        {
            // The two parsers might disagree in ways not foreseen here: then the reference path reads the whole body.
            return SchemaRecordReader.Read(body, maxBatchSize, out bodyRejection);
        }

        return new RecordBatch(isBatch, items);
    }

    private static RecordBatchItem ReadItem(
        ReadOnlyMemory<byte> body, TapeElement json, int index, bool isBatch, bool hasUnpairedSurrogate, JsonValidator validator, ref JToken? reference)
    {
        // Rare (only a tape with such an escape is walked); refused only once the schema has accepted the record, as
        // the reference path does, so that a record the schema refuses keeps NJsonSchema's words.
        var unpaired = hasUnpairedSurrogate ? UnpairedSurrogates.FirstIn(json) : null;
        if (json.ValueKind == JsonValueKind.Object && validator.IsValid(json))
        {
            if (unpaired is not null)
            {
                return new RecordBatchItem(null, unpaired);
            }

            if (JsonRecordBuilder.TryBuild(json) is { } record)
            {
                return new RecordBatchItem(record, null);
            }
        }

        // Parsed once, on the first item the fast path does not take, then read item by item.
        reference ??= SchemaRecordReader.Parse(body);
        return SchemaRecordReader.ReadItem(isBatch ? reference[index]! : reference, unpaired);
    }
}
