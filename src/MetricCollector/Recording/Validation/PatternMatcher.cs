using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// A schema pattern with its verdicts remembered: metric and label names repeat from record to record, and a lookup
/// costs less than a match. At most <see cref="MemoLimit"/> texts of at most <see cref="MaxRememberedLength"/> characters
/// are remembered; others are matched each time.
/// </summary>
internal sealed class PatternMatcher
{
    private const int MemoLimit = 10_000;

    /// <summary>
    /// Longer than any name the schema allows (metric names 200, label names 100): a review sent label names of a million
    /// characters, each refused and each remembered for ever, 2 MB a request, up to 20 GB at the memo's limit.
    /// </summary>
    internal const int MaxRememberedLength = 256;

    // NJsonSchema matches with Regex.IsMatch(value, pattern): .NET's dialect with default options. The same options
    // here keep the verdicts equal (so `$` also matches before a final newline, which RecordValidator then refuses);
    // Compiled only changes the speed.
    private readonly Regex _regex;
    private readonly ConcurrentDictionary<string, bool> _memo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _remembered;

    public PatternMatcher(string pattern)
    {
        _regex = new Regex(pattern, RegexOptions.Compiled);
        _lookup = _memo.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out bool matches))
        {
            return matches;
        }

        matches = _regex.IsMatch(text);
        if (text.Length <= MaxRememberedLength && Volatile.Read(ref _remembered) < MemoLimit && _lookup.TryAdd(text, matches))
        {
            Interlocked.Increment(ref _remembered);
        }

        return matches;
    }

    /// <summary>How many texts are remembered.</summary>
    internal int Remembered => Volatile.Read(ref _remembered);
}
