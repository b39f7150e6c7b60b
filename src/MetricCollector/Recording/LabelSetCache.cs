using System.Text;
using System.Text.Json;
using MetricCollector.Recording.Validation;

namespace MetricCollector.Recording;

/// <summary>
/// The label sets of recent records, so that a record whose labels repeat an earlier one's (a series sent again: most
/// records) shares that <see cref="LabelSet"/> instead of allocating its own (80 bytes for two labels). Found by the
/// labels' UTF-8 bytes in the body and compared with the set's strings, so a hit decodes and allocates nothing.
/// Only names and values written without escapes are looked up, and only ASCII ones can hit (what comparing bytes
/// with chars can judge); every other set is built as before. Direct-mapped like <see cref="Utf8StringCache"/>: a
/// miss replaces the slot with one reference write, no lock, since a set never changes once made.
/// </summary>
internal sealed class LabelSetCache
{
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
        foreach (var property in labels.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameIsEscaped || value.ValueKind != JsonValueKind.String || value.ValueIsEscaped)
            {
                return null;
            }

            var name = property.RawName;
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
            // False for any non-ASCII byte or char: such a set is built every time, never mistaken for another.
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
