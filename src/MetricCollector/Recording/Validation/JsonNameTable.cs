namespace MetricCollector.Recording.Validation;

/// <summary>
/// Every property name a compiled schema mentions (in <c>properties</c> and <c>required</c>), each with an id below
/// 64. A tape looks each name of an object up once; the validators then compare ids and bit masks instead of bytes,
/// however many of them look at the same object (the record schema checks one object some ten times).
/// </summary>
internal sealed class JsonNameTable
{
    /// <summary>Ids are bits of a 64-bit mask.</summary>
    public const int MaxNames = 64;

    private readonly List<byte[]> _names = [];

    // The ids of the names of each length: a name looked up is compared with one to three names, not all of them.
    private int[][] _idsByLength = [];

    /// <summary>The id of <paramref name="name"/>, added when new.</summary>
    /// <exception cref="NotSupportedException">The schema mentions more than <see cref="MaxNames"/> names.</exception>
    public int Add(byte[] name)
    {
        int id = IdOf(name);
        if (id >= 0)
        {
            return id;
        }

        if (_names.Count == MaxNames)
        {
            throw new NotSupportedException($"The record schema mentions more than {MaxNames} property names, which the compiled validator does not implement.");
        }

        _names.Add(name);
        id = _names.Count - 1;
        if (_idsByLength.Length <= name.Length)
        {
            Array.Resize(ref _idsByLength, name.Length + 1);
        }

        _idsByLength[name.Length] = [.. _idsByLength[name.Length] ?? [], id];
        return id;
    }

    /// <summary>The id of the UTF-8 name, or -1 when the schema does not mention it.</summary>
    public int IdOf(ReadOnlySpan<byte> name)
    {
        if (name.Length >= _idsByLength.Length || _idsByLength[name.Length] is not { } ids)
        {
            return -1;
        }

        foreach (int id in ids)
        {
            if (name.SequenceEqual(_names[id]))
            {
                return id;
            }
        }

        return -1;
    }
}
