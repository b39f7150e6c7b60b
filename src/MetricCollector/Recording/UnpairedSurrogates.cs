using System.Globalization;
using System.Text.Json;
using MetricCollector.Recording.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// Half a surrogate pair on its own (a JSON escape <c>\ud800</c> with no low half after it, a low half with no high
/// one before) is no Unicode character. Newtonsoft reads it as U+FFFD, and UTF-8 can write it no other way, so
/// <c>"a\ud800"</c> and <c>"a\udbff"</c> would land in one series without a word: a string that holds one is refused,
/// naming its field. The readers find the escapes in the body (once parsed, the reference path's text has lost
/// them); <see cref="RecordValidator"/> finds the characters in records built in code (<see cref="CodePoints.IndexOfUnpairedSurrogate"/>).
/// </summary>
internal static class UnpairedSurrogates
{
    /// <summary>
    /// The refusal of a string at <paramref name="field"/> holding <paramref name="unit"/> unpaired;
    /// <paramref name="label"/> names the label when the string is a label's value.
    /// </summary>
    public static RecordRejection Rejection(string field, string? label, char unit)
    {
        string what = label is not null ? $"the value of label '{Echo.Of(label)}'" : field == "/help" ? "help" : "the string at " + field;
        return new RecordRejection(RejectionReason.InvalidValue, field,
            $"{what} contains an unpaired surrogate (\\u{((int)unit).ToString("x4", CultureInfo.InvariantCulture)}), which is not a Unicode character.");
    }

    /// <summary>
    /// The refusal of the first string in <paramref name="item"/>, in document order, that holds an unpaired surrogate
    /// escape; null when none does. Walks only what holds escaped strings, and is called only for a tape that has one.
    /// </summary>
    public static RecordRejection? FirstIn(TapeElement item) => Find(item, "", "", null);

    private static RecordRejection? Find(TapeElement element, string field, string parentField, string? name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.ValueIsEscaped && JsonText.IndexOfUnpairedSurrogateEscape(element.RawValue, out char unit) >= 0
                    ? Rejection(field, parentField == "/labels" ? name : null, unit)
                    : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string childName = property.GetName();
                    if (Find(property.Value, field + "/" + JsonPointer.Escape(childName), field, childName) is { } rejection)
                    {
                        return rejection;
                    }
                }

                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    string childName = index++.ToString(CultureInfo.InvariantCulture);
                    if (Find(item, field + "/" + childName, field, childName) is { } rejection)
                    {
                        return rejection;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// For each item of a body (the record, or each record of a batch) with a string that holds an unpaired surrogate
    /// escape, the refusal of the first such string, as <see cref="FirstIn"/> finds it on a tape; null when there is
    /// none. The body is JSON a reader has accepted. For the reference path, whose parser replaces the escapes.
    /// </summary>
    public static Dictionary<int, RecordRejection>? FindIn(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        Dictionary<int, RecordRejection>? found = null;
        var reader = new Utf8JsonReader(body, JsonTape.ReaderOptions);
        var open = new List<Container>();
        string? propertyName = null;
        bool rootIsArray = false;
        int item = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                propertyName = reader.ValueIsEscaped
                    ? JsonText.UnescapeReplacingUnpairedSurrogates(reader.ValueSpan)
                    : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                open.RemoveAt(open.Count - 1);
                continue;
            }

            // A value: its name in its container, and the item it belongs to.
            string? name = null;
            if (open.Count > 0)
            {
                var container = open[^1];
                name = container.IsArray ? container.NextIndex++.ToString(CultureInfo.InvariantCulture) : propertyName;
                open[^1] = container;
                if (open.Count == 1 && rootIsArray)
                {
                    item = container.NextIndex - 1;
                }
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                rootIsArray |= open.Count == 0 && reader.TokenType == JsonTokenType.StartArray;
                open.Add(new Container(reader.TokenType == JsonTokenType.StartArray, name));
            }
            else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped
                && JsonText.IndexOfUnpairedSurrogateEscape(reader.ValueSpan, out char unit) >= 0
                && !(found?.ContainsKey(item) ?? false))
            {
                // The path within the item: below the batch's array, or from the root of a single record.
                int first = rootIsArray ? 2 : 1;
                string parentField = "";
                for (int i = first; i < open.Count; i++)
                {
                    parentField += "/" + JsonPointer.Escape(open[i].Name!);
                }

                string field = open.Count >= first ? parentField + "/" + JsonPointer.Escape(name!) : "";
                (found ??= [])[item] = Rejection(field, parentField == "/labels" ? name : null, unit);
            }
        }

        return found;
    }

    private record struct Container(bool IsArray, string? Name)
    {
        public int NextIndex;
    }
}
