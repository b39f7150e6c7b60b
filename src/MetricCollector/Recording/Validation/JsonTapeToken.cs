using System.Runtime.InteropServices;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>One value of a <see cref="JsonTape"/>, with the name it has in its object, as offsets into the body.</summary>
/// <remarks>The runtime orders the fields (48 bytes instead of 64 in declaration order): a batch of 1000 records is some 7,000 tokens.</remarks>
[StructLayout(LayoutKind.Auto)]
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

    /// <summary>The id of the name in the tape's name table plus 2: 0 until looked up, 1 for a name not in the table.</summary>
    public int NameIdPlus2;

    /// <summary>Objects: the bits of the ids of their names, once <see cref="HasNameMask"/>.</summary>
    public ulong NameMask;

    public bool HasNameMask;
}
