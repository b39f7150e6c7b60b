using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>One value of a <see cref="JsonTape"/>, with the name it has in its object, as offsets into the body.</summary>
internal struct JsonTapeToken
{
    public JsonValueKind Kind;

    /// <summary>Strings: the content without quotes; numbers and literals: the text (containers keep only their start).</summary>
    public int Start;

    public int Length;

    public bool IsEscaped;

    /// <summary>The property name without quotes, when the value is in an object; raw, escapes unresolved.</summary>
    public int NameStart;

    public int NameLength;

    public bool NameIsEscaped;

    /// <summary>Containers: how many items or properties.</summary>
    public int Count;

    /// <summary>The index of the token after this value and everything in it.</summary>
    public int Next;
}
