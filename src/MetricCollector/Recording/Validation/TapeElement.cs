using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>One value of a <see cref="JsonTape"/>: the slice of <see cref="JsonElement"/>'s API the validators need.</summary>
internal readonly struct TapeElement(JsonTape tape, int index)
{
    private ref readonly JsonTapeToken Token => ref tape[index];

    public JsonValueKind ValueKind => Token.Kind;

    /// <summary>Strings: the content without quotes, escapes unresolved; numbers: the text.</summary>
    public ReadOnlySpan<byte> RawValue => tape.Body.Span.Slice(Token.Start, Token.Length);

    public bool ValueIsEscaped => Token.IsEscaped;

    public int GetPropertyCount() => Token.Count;

    public int GetArrayLength() => Token.Count;

    public ObjectEnumerator EnumerateObject() => new(tape, index);

    public ArrayEnumerator EnumerateArray() => new(tape, index);

    public bool TryGetProperty(ReadOnlySpan<byte> name, out TapeElement value)
    {
        foreach (var property in EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The property whose name has <paramref name="id"/> in <paramref name="names"/>.</summary>
    public bool TryGetProperty(JsonNameTable names, int id, out TapeElement value)
    {
        foreach (var property in EnumerateObject())
        {
            if (property.GetNameId(names) == id)
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>An object's names that <paramref name="names"/> holds, as bits of their ids.</summary>
    public ulong GetNameMask(JsonNameTable names) => tape.GetNameMask(index, names);

    public bool ValueEquals(ReadOnlySpan<byte> text) =>
        Token.IsEscaped ? Encoding.UTF8.GetBytes(GetString()).AsSpan().SequenceEqual(text) : RawValue.SequenceEqual(text);

    /// <summary>The string, unescaped; an unpaired surrogate escape reads as U+FFFD, as Newtonsoft reads it.</summary>
    public string GetString() => Token.IsEscaped ? Unescape(tape.Body.Span.Slice(Token.Start - 1, Token.Length + 2)) : Encoding.UTF8.GetString(RawValue);

    /// <summary>As <see cref="JsonElement.TryGetInt64"/>: the whole text is an integer within 64 bits.</summary>
    public bool TryGetInt64(out long value) => Utf8Parser.TryParse(RawValue, out value, out int consumed) && consumed == Token.Length;

    /// <summary>Reads one quoted JSON string, each unpaired surrogate escape as U+FFFD.</summary>
    internal static string Unescape(ReadOnlySpan<byte> quoted)
    {
        // System.Text.Json throws on an unpaired surrogate escape; the reference path's Newtonsoft reads U+FFFD, and
        // the schema must judge the same text on both paths (the readers then refuse the string, UnpairedSurrogates).
        var content = quoted[1..^1];
        if (JsonText.IndexOfUnpairedSurrogateEscape(content, out _) >= 0)
        {
            return JsonText.UnescapeReplacingUnpairedSurrogates(content);
        }

        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>The properties of an object, in order.</summary>
    public struct ObjectEnumerator(JsonTape tape, int container)
    {
        private ChildCursor _cursor = new(tape, container);

        public readonly TapeProperty Current => new(tape, _cursor.Current);

        public readonly ObjectEnumerator GetEnumerator() => this;

        public bool MoveNext() => _cursor.MoveNext();
    }

    /// <summary>The items of an array, in order.</summary>
    public struct ArrayEnumerator(JsonTape tape, int container)
    {
        private ChildCursor _cursor = new(tape, container);

        public readonly TapeElement Current => new(tape, _cursor.Current);

        public readonly ArrayEnumerator GetEnumerator() => this;

        public bool MoveNext() => _cursor.MoveNext();
    }

    /// <summary>Walks a container's children on the tape: each token says where its next sibling starts.</summary>
    private struct ChildCursor(JsonTape tape, int container)
    {
        private int _next = container + 1;

        public int Current { get; private set; } = -1;

        public bool MoveNext()
        {
            if (_next >= tape[container].Next)
            {
                return false;
            }

            Current = _next;
            _next = tape[Current].Next;
            return true;
        }
    }
}
