using System.Text;
using System.Text.Json;
using MetricCollector.Recording.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// The label sets of recent records, so that a record whose labels repeat an earlier one's (a series sent again: most
/// records) shares that <see cref="LabelSet"/> instead of allocating its own (80 bytes for two labels). Found by the
/// labels' UTF-8 bytes in the body and compared with the set's strings, so a hit decodes and allocates nothing.
/// Only sets of ASCII names and values written without escapes, 256 bytes in all at most, are looked up and kept
/// (comparing bytes with chars can judge only ASCII); every other set is built as before. Direct-mapped like
/// <see cref="Utf8StringCache"/>: a miss replaces the slot with one reference write, no lock, since a set never changes
/// once made.
/// </summary>
internal sealed class LabelSetCache
{
    // Bounds what the cache holds (4096 slots: about 4 MB at worst) whatever clients send: a set is kept before its
    // record is accepted, and the schema allows 32 labels of up to 1024 characters. Common sets are far smaller.
    private const int MaxKeptBytes = 256;

    private readonly LabelSet?[] _sets;

    /// <param name="slots">A power of two.</param>
    public LabelSetCache(int slots) => _sets = new LabelSet?[slots];

    /// <summary>
    /// The set an earlier record had with exactly these names and values in this order, or null; <paramref name="slot"/>
    /// is where to <see cref="Keep"/> the set built instead, or -1 when it is not to be kept.
    /// </summary>
    /// <param name="labels">A JSON object.</param>
    /// <param name="slot">The slot for this object's labels, or -1.</param>
    public LabelSet? Find(TapeElement labels, out int slot)
    {
        slot = -1;
        var hash = new HashCode();
        int bytes = 0;
        foreach (var property in labels.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameIsEscaped || value.ValueKind != JsonValueKind.String || value.ValueIsEscaped)
            {
                return null;
            }

            var name = property.RawName;
            bytes += name.Length + value.RawValue.Length;
            if (bytes > MaxKeptBytes || !Ascii.IsValid(name) || !Ascii.IsValid(value.RawValue))
            {
                return null;
            }

            hash.Add(name.Length);
            hash.AddBytes(name);
            hash.AddBytes(value.RawValue);
        }

        slot = hash.ToHashCode() & (_sets.Length - 1);
        var set = Volatile.Read(ref _sets[slot]);
        if (set is null || set.Count != labels.GetPropertyCount())
        {
            return null;
        }

        int i = 0;
        foreach (var property in labels.EnumerateObject())
        {
            // ASCII on both sides (only ASCII sets are kept), so equal bytes and chars are equal texts.
            if (!Ascii.Equals(property.RawName, set.NameAt(i)) || !Ascii.Equals(property.Value.RawValue, set.ValueAt(i)))
            {
                return null;
            }

            i++;
        }

        return set;
    }

    /// <summary>Keeps <paramref name="set"/>, built from the labels <see cref="Find"/> gave <paramref name="slot"/> for.</summary>
    public void Keep(int slot, LabelSet set)
    {
        if (slot >= 0)
        {
            Volatile.Write(ref _sets[slot], set);
        }
    }
}
