namespace MetricCollector.Recording.Validation;

/// <summary>Lookup of a property name among the names a schema object mentions.</summary>
internal static class JsonNames
{
    /// <summary>The index of the UTF-8 name among <paramref name="names"/>, or -1.</summary>
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
    /// One pass over an object's properties, marking which of <paramref name="names"/> it has: bit i for names[i]
    /// (the compiler caps a list of names at 64).
    /// </summary>
    public static ulong Found(TapeElement obj, byte[][] names)
    {
        ulong found = 0;
        foreach (var property in obj.EnumerateObject())
        {
            int index = IndexOf(property.Utf8Name, names);
            if (index >= 0)
            {
                found |= 1UL << index;
            }
        }

        return found;
    }
}
