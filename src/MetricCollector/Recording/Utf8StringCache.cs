using System.Text;

namespace MetricCollector.Recording;

/// <summary>
/// Strings decoded from UTF-8, kept in a small direct-mapped table so that the names and label values that repeat
/// from record to record are decoded and allocated once. A miss replaces the slot, so the table follows what is sent
/// now; reads and writes of a slot are single reference writes, so no lock is needed.
/// </summary>
internal sealed class Utf8StringCache
{
    // Longer texts (help, long label values) are rare enough to decode each time.
    private const int MaxCachedLength = 64;

    private readonly Entry?[] _entries;

    /// <param name="slots">A power of two.</param>
    public Utf8StringCache(int slots) => _entries = new Entry?[slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        ref var slot = ref _entries[hash.ToHashCode() & (_entries.Length - 1)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Text;
        }

        string text = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref slot, new Entry(utf8.ToArray(), text));
        return text;
    }

    private sealed class Entry(byte[] utf8, string text)
    {
        public byte[] Utf8 { get; } = utf8;

        public string Text { get; } = text;
    }
}
