using System.Buffers;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// A body read once with <see cref="Utf8JsonReader"/> into a flat array of tokens (pooled), which the compiled
/// validators and the record builder walk as often as they like at the cost of array reads. Reading refuses what the
/// reference path would call malformed, and what it might: invalid JSON, comments, nesting deeper than 32, a property
/// name repeated in any object, numbers too long for Newtonsoft.
/// </summary>
internal sealed class JsonTape : IDisposable
{

    // Newtonsoft refuses an integer of more than 380 characters as too large to parse; System.Text.Json reads it.
    private const int NewtonsoftMaxNumberLength = 379;

    /// <summary>
    /// RFC 8259 JSON and nothing else (no comments, no trailing commas), at most 32 levels deep: the one judge of a
    /// body's syntax, on the fast path and on the reference path alike (Newtonsoft, which reads octal, hex, NaN,
    /// unquoted names and comments, only ever sees bodies this has accepted).
    /// </summary>
    internal static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = RecordLimits.MaxJsonDepth };

    private JsonTapeToken[] _tokens;
    private int _count;

    // The table the cached name ids and masks belong to (a process compiles one schema; tests compile several).
    private JsonNameTable? _names;

    private JsonTape(ReadOnlyMemory<byte> body, JsonTapeToken[] tokens)
    {
        Body = body;
        _tokens = tokens;
    }

    public ReadOnlyMemory<byte> Body { get; }

    public TapeElement Root => new(this, 0);

    /// <summary>Whether a string value holds an unpaired surrogate escape, which <see cref="UnpairedSurrogates"/> refuses.</summary>
    public bool HasUnpairedSurrogate { get; private set; }

    internal ref readonly JsonTapeToken this[int index] => ref _tokens[index];

    /// <summary>Reads the body, or returns false for anything the reference path must answer.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JsonTape? tape)
    {
        tape = new JsonTape(body, ArrayPool<JsonTapeToken>.Shared.Rent(body.Length / 8 + 16));
        try
        {
            if (tape.Fill())
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed: the reference path answers, in its words.
        }

        tape.Dispose();
        tape = null;
        return false;
    }

    /// <summary>The id in <paramref name="names"/> of the name of the value at <paramref name="index"/>, or -1.</summary>
    internal int GetNameId(int index, JsonNameTable names)
    {
        UseNames(names);
        ref var token = ref _tokens[index];
        if (token.NameIdPlus2 == 0)
        {
            token.NameIdPlus2 = names.IdOf(new TapeProperty(this, index).Utf8Name) + 2;
        }

        return token.NameIdPlus2 - 2;
    }

    /// <summary>The bits of the ids in <paramref name="names"/> of the names of the object at <paramref name="index"/>.</summary>
    internal ulong GetNameMask(int index, JsonNameTable names)
    {
        UseNames(names);
        if (!_tokens[index].HasNameMask)
        {
            ulong mask = 0;
            for (int child = index + 1; child < _tokens[index].Next; child = _tokens[child].Next)
            {
                int id = GetNameId(child, names);
                if (id >= 0)
                {
                    mask |= 1UL << id;
                }
            }

            _tokens[index].NameMask = mask;
            _tokens[index].HasNameMask = true;
        }

        return _tokens[index].NameMask;
    }

    private void UseNames(JsonNameTable names)
    {
        if (ReferenceEquals(_names, names))
        {
            return;
        }

        for (int i = 0; i < _count; i++)
        {
            _tokens[i].NameIdPlus2 = 0;
            _tokens[i].HasNameMask = false;
        }

        _names = names;
    }

    public void Dispose()
    {
        if (_tokens.Length > 0)
        {
            ArrayPool<JsonTapeToken>.Shared.Return(_tokens);
            _tokens = [];
        }
    }

    private bool Fill()
    {
        var reader = new Utf8JsonReader(Body.Span, ReaderOptions);
        Span<int> open = stackalloc int[RecordLimits.MaxJsonDepth + 1];
        int depth = 0;
        var name = (Start: 0, Length: 0, IsEscaped: false);
        while (reader.Read())
        {
            int parent = depth > 0 ? open[depth - 1] : -1;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    name = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);
                    break;
                case JsonTokenType.StartObject:
                    open[depth++] = Add(parent, name, JsonValueKind.Object, (int)reader.TokenStartIndex, 0, false);
                    break;
                case JsonTokenType.StartArray:
                    open[depth++] = Add(parent, name, JsonValueKind.Array, (int)reader.TokenStartIndex, 0, false);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    ref var container = ref _tokens[parent];
                    depth--;
                    container.Next = _count;
                    if (container.Kind == JsonValueKind.Object && container.Count > 1 && HasDuplicateName(parent))
                    {
                        return false;
                    }

                    break;
                case JsonTokenType.String:
                    // Only an escape can hold a surrogate (the body is valid UTF-8): unescaped strings skip the scan.
                    if (reader.ValueIsEscaped && !HasUnpairedSurrogate)
                    {
                        HasUnpairedSurrogate = JsonText.IndexOfUnpairedSurrogateEscape(reader.ValueSpan, out _) >= 0;
                    }

                    Add(parent, name, JsonValueKind.String, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);
                    break;
                case JsonTokenType.Number when reader.ValueSpan.Length > NewtonsoftMaxNumberLength:
                    return false;
                default:
                    var kind = reader.TokenType switch
                    {
                        JsonTokenType.Number => JsonValueKind.Number,
                        JsonTokenType.True => JsonValueKind.True,
                        JsonTokenType.False => JsonValueKind.False,
                        _ => JsonValueKind.Null,
                    };
                    Add(parent, name, kind, (int)reader.TokenStartIndex, reader.ValueSpan.Length, false);
                    break;
            }
        }

        return true;
    }

    private int Add(int parent, (int Start, int Length, bool IsEscaped) name, JsonValueKind kind, int start, int length, bool isEscaped)
    {
        if (_count == _tokens.Length)
        {
            var larger = ArrayPool<JsonTapeToken>.Shared.Rent(_tokens.Length * 2);
            _tokens.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<JsonTapeToken>.Shared.Return(_tokens);
            _tokens = larger;
        }

        bool named = false;
        if (parent >= 0)
        {
            _tokens[parent].Count++;
            named = _tokens[parent].Kind == JsonValueKind.Object;
        }

        int index = _count++;
        _tokens[index] = new JsonTapeToken
        {
            Kind = kind,
            Start = start,
            Length = length,
            IsEscaped = isEscaped,
            NameStart = named ? name.Start : 0,
            NameLength = named ? name.Length : 0,
            NameIsEscaped = named && name.IsEscaped,
            Next = index + 1,
        };
        return index;
    }

    // Objects of records are small (at most 32 labels): comparing every pair of raw names is cheaper than hashing.
    private bool HasDuplicateName(int objectIndex)
    {
        var body = Body.Span;
        int end = _tokens[objectIndex].Next;
        for (int i = objectIndex + 1; i < end; i = _tokens[i].Next)
        {
            if (_tokens[i].NameIsEscaped)
            {
                return HasDuplicateUnescapedName(objectIndex);
            }

            var name = body.Slice(_tokens[i].NameStart, _tokens[i].NameLength);
            for (int j = objectIndex + 1; j < i; j = _tokens[j].Next)
            {
                if (name.SequenceEqual(body.Slice(_tokens[j].NameStart, _tokens[j].NameLength)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // An escaped name may equal another written plainly: only the unescaped forms can tell.
    private bool HasDuplicateUnescapedName(int objectIndex)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in new TapeElement(this, objectIndex).EnumerateObject())
        {
            if (!names.Add(property.GetName()))
            {
                return true;
            }
        }

        return false;
    }
}
