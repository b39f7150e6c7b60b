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
}
