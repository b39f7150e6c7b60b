using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MetricCollector.Recording;

/// <summary>
/// The labels of a record read from JSON, names and values side by side in one array: what the collector needs of a
/// dictionary (count, lookup by name, enumeration) for the few labels a record carries, without a hash table for
/// every record. The reader refuses repeated names, so each name is here once.
/// </summary>
internal sealed class LabelSet : IReadOnlyDictionary<string, string>
{
    // name 0, value 0, name 1, value 1, ...
    private readonly string[] _pairs;

    /// <param name="pairs">Names and values alternating; the set keeps the array.</param>
    public LabelSet(string[] pairs) => _pairs = pairs;

    public int Count => _pairs.Length / 2;

    /// <summary>
    /// <paramref name="labels"/> as a set: itself when it is one (every record read from JSON), else a copy (records
    /// built in code), so that the checks walk one representation by index, without an enumerator per record.
    /// </summary>
    public static LabelSet Of(IReadOnlyDictionary<string, string> labels)
    {
        if (labels is LabelSet set)
        {
            return set;
        }

        var pairs = new string[labels.Count * 2];
        int i = 0;
        foreach (var (name, value) in labels)
        {
            pairs[i++] = name;
            pairs[i++] = value;
        }

        return new LabelSet(pairs);
    }

    /// <summary>These labels and one more, which must not be among them.</summary>
    public LabelSet With(string name, string value)
    {
        var pairs = new string[_pairs.Length + 2];
        _pairs.CopyTo(pairs, 0);
        pairs[^2] = name;
        pairs[^1] = value;
        return new LabelSet(pairs);
    }

    /// <summary>The name of the label at <paramref name="index"/>, in body order.</summary>
    public string NameAt(int index) => _pairs[2 * index];

    /// <summary>The value of the label at <paramref name="index"/>.</summary>
    public string ValueAt(int index) => _pairs[(2 * index) + 1];

    public IEnumerable<string> Keys
    {
        get
        {
            for (int i = 0; i < _pairs.Length; i += 2)
            {
                yield return _pairs[i];
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            for (int i = 1; i < _pairs.Length; i += 2)
            {
                yield return _pairs[i];
            }
        }
    }

    public string this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException($"no label '{key}'");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (int i = 0; i < _pairs.Length; i += 2)
        {
            // Names read from JSON are shared strings, so the reference test usually decides.
            if (ReferenceEquals(_pairs[i], key) || string.Equals(_pairs[i], key, StringComparison.Ordinal))
            {
                value = _pairs[i + 1];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (int i = 0; i < _pairs.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>(_pairs[i], _pairs[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
