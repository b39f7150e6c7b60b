using System.Text;

namespace MetricCollector.Recording.Validation;

/// <summary>One property of an object in a <see cref="JsonTape"/>: its name and value.</summary>
internal readonly struct TapeProperty(JsonTape tape, int index)
{
    public TapeElement Value => new(tape, index);

    /// <summary>The raw name without quotes, escapes unresolved.</summary>
    public ReadOnlySpan<byte> RawName => tape.Body.Span.Slice(tape[index].NameStart, tape[index].NameLength);

    public bool NameIsEscaped => tape[index].NameIsEscaped;

    /// <summary>The name's UTF-8 bytes: raw, or unescaped when the JSON escaped it (rare, so allowed to allocate).</summary>
    public ReadOnlySpan<byte> Utf8Name => NameIsEscaped ? Encoding.UTF8.GetBytes(GetName()) : RawName;

    public bool NameEquals(ReadOnlySpan<byte> name) => Utf8Name.SequenceEqual(name);

    /// <summary>The id of the name in <paramref name="names"/>, or -1; looked up once per tape.</summary>
    public int GetNameId(JsonNameTable names) => tape.GetNameId(index, names);

    /// <summary>The name, unescaped; an unpaired surrogate escape reads as U+FFFD, as Newtonsoft reads it.</summary>
    public string GetName() =>
        NameIsEscaped ? TapeElement.Unescape(tape.Body.Span.Slice(tape[index].NameStart - 1, tape[index].NameLength + 2)) : Encoding.UTF8.GetString(RawName);
}
