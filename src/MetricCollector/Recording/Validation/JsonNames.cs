using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>Property names compared as raw UTF-8 where they hold no escape, which spares System.Text.Json's unescaping checks.</summary>
internal static class JsonNames
{
    /// <summary>The name's UTF-8 bytes: raw, or unescaped when the JSON escaped it (rare, so allowed to allocate).</summary>
    public static ReadOnlySpan<byte> Of(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return JsonText.IsEscaped(raw) ? Encoding.UTF8.GetBytes(property.Name) : raw;
    }

    /// <summary>The index of the name among <paramref name="names"/>, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<byte> name, byte[][] names)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// True when an object anywhere in the element repeats a property name. The fast path parses with duplicates
    /// allowed (checking them for every object is what System.Text.Json's own check costs most) and asks this of the
    /// records it accepts only; Newtonsoft refuses the body of any other record that has one.
    /// </summary>
    public static bool HasDuplicate(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                int count = element.GetPropertyCount();
                if (count > 1 && HasDuplicateName(element, count))
                {
                    return true;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicate(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasDuplicate(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    // One pass, hashing each raw name; two names are compared only when their hashes meet.
    private static bool HasDuplicateName(JsonElement element, int count)
    {
        Span<int> hashes = count <= 64 ? stackalloc int[count] : new int[count];
        int n = 0;
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (JsonText.IsEscaped(raw))
            {
                return HasDuplicateUnescaped(element);
            }

            var hash = new HashCode();
            hash.AddBytes(raw);
            int code = hash.ToHashCode();
            for (int j = 0; j < n; j++)
            {
                if (hashes[j] == code && NameAt(element, j).SequenceEqual(raw))
                {
                    return true;
                }
            }

            hashes[n++] = code;
        }

        return false;
    }

    private static ReadOnlySpan<byte> NameAt(JsonElement element, int index)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (index-- == 0)
            {
                return JsonMarshal.GetRawUtf8PropertyName(property);
            }
        }

        return default;
    }

    // An escaped name may equal another written plainly: only the unescaped forms can tell.
    private static bool HasDuplicateUnescaped(JsonElement element)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                return true;
            }
        }

        return false;
    }
}
