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
        return _names.Count - 1;
    }

    /// <summary>The id of the UTF-8 name, or -1 when the schema does not mention it.</summary>
    public int IdOf(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < _names.Count; i++)
        {
            if (name.SequenceEqual(_names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
