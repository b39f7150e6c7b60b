using System.Collections.ObjectModel;
using MetricCollector.Client.Series;

namespace MetricCollector.Client.Tests.Recording;

/// <summary>
/// The registry's equality, tested directly: through the client it only runs when two hashes collide, which a test
/// cannot arrange (string hashes are seeded per process), so a lookup matching the wrong label set would go unseen.
/// </summary>
public sealed class SeriesIdentityComparerTests
{
    private static readonly SeriesIdentityComparer Comparer = SeriesIdentityComparer.Instance;

    private static readonly SeriesDefinition Jobs = Definition(SeriesKind.Counter, "jobs_total", ("a", "1"), ("b", "2"), ("c", "3"));

    public static TheoryData<string> Dictionaries => ["Dictionary", "SortedDictionary", "ReadOnlyDictionary"];

    [Theory]
    [MemberData(nameof(Dictionaries))]
    public void A_query_matches_the_definition_of_its_labels_in_any_order(string dictionary)
    {
        foreach (var labels in new[] { Labels(dictionary, ("a", "1"), ("b", "2"), ("c", "3")), Labels(dictionary, ("c", "3"), ("a", "1"), ("b", "2")) })
        {
            var query = new SeriesQuery(SeriesKind.Counter, "jobs_total", labels);

            Assert.True(Comparer.Equals(query, Jobs));
            Assert.Equal(Comparer.GetHashCode(Jobs), Comparer.GetHashCode(query));
        }
    }

    [Theory]
    [MemberData(nameof(Dictionaries))]
    public void A_query_does_not_match_a_definition_that_only_looks_alike(string dictionary)
    {
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "2"), ("b", "1"), ("c", "3"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("c", "4"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("d", "3"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("C", "3"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("c", null!))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Gauge, "jobs_total", Labels(dictionary, ("a", "1"), ("b", "2"), ("c", "3"))), Jobs));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Counter, "jobs", Labels(dictionary, ("a", "1"), ("b", "2"), ("c", "3"))), Jobs));
    }

    [Fact]
    public void No_labels_as_null_or_empty_match_a_definition_without_labels_only()
    {
        var bare = Definition(SeriesKind.Gauge, "pool_free");

        Assert.True(Comparer.Equals(new SeriesQuery(SeriesKind.Gauge, "pool_free", null), bare));
        Assert.True(Comparer.Equals(new SeriesQuery(SeriesKind.Gauge, "pool_free", new Dictionary<string, string>()), bare));
        Assert.Equal(Comparer.GetHashCode(bare), Comparer.GetHashCode(new SeriesQuery(SeriesKind.Gauge, "pool_free", null)));
        Assert.False(Comparer.Equals(new SeriesQuery(SeriesKind.Gauge, "pool_free", null), Definition(SeriesKind.Gauge, "pool_free", ("a", "1"))));
    }

    [Fact]
    public void Two_definitions_are_equal_by_their_type_name_and_labels()
    {
        var same = Definition(SeriesKind.Counter, "jobs_total", ("a", "1"), ("b", "2"), ("c", "3"));

        Assert.True(Comparer.Equals(Jobs, same));
        Assert.Equal(Comparer.GetHashCode(Jobs), Comparer.GetHashCode(same));
        Assert.False(Comparer.Equals(Jobs, Definition(SeriesKind.Counter, "jobs_total", ("a", "1"), ("b", "2"), ("c", "4"))));
        Assert.False(Comparer.Equals(Jobs, Definition(SeriesKind.Counter, "jobs_total", ("a", "1"), ("b", "2"), ("d", "3"))));
        Assert.False(Comparer.Equals(Jobs, Definition(SeriesKind.Counter, "jobs_total", ("a", "1"), ("b", "2"))));
        Assert.False(Comparer.Equals(Jobs, Definition(SeriesKind.Gauge, "jobs_total", ("a", "1"), ("b", "2"), ("c", "3"))));
        Assert.False(Comparer.Equals(Jobs, Definition(SeriesKind.Counter, "jobs", ("a", "1"), ("b", "2"), ("c", "3"))));
        Assert.False(Comparer.Equals(Jobs, null));
    }

    /// <summary>A definition as the registry makes it: labels ordered by name.</summary>
    private static SeriesDefinition Definition(SeriesKind kind, string name, params (string Key, string Value)[] labels) =>
        new(name, kind, [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => KeyValuePair.Create(l.Key, l.Value))], null, null, null);

    private static IReadOnlyDictionary<string, string> Labels(string dictionary, params (string Key, string Value)[] labels)
    {
        var inOrder = new Dictionary<string, string>();
        foreach (var (key, value) in labels)
        {
            inOrder[key] = value;
        }

        return dictionary switch
        {
            "SortedDictionary" => new SortedDictionary<string, string>(inOrder, StringComparer.Ordinal),
            "ReadOnlyDictionary" => new ReadOnlyDictionary<string, string>(inOrder),
            _ => inOrder,
        };
    }
}
