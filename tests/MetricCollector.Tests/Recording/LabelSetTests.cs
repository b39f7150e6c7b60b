using MetricCollector.Recording;
using MetricCollector.Recording.Validation;

namespace MetricCollector.Tests.Recording;

public sealed class LabelSetTests
{
    [Fact]
    public void Looks_up_names_by_content_and_keeps_body_order()
    {
        var labels = new LabelSet(["pool", "p1", "app", "a1"]);
        string pool = new string("pool".AsSpan());

        Assert.Equal(2, labels.Count);
        Assert.True(labels.TryGetValue(pool, out string? value));
        Assert.Equal("p1", value);
        Assert.Equal("a1", labels["app"]);
        Assert.False(labels.ContainsKey("Pool"));
        Assert.Throws<KeyNotFoundException>(() => labels["missing"]);
        Assert.Equal([new("pool", "p1"), new("app", "a1")], labels.ToArray<KeyValuePair<string, string>>());
        Assert.Equal(["pool", "app"], labels.Keys);
        Assert.Equal(["p1", "a1"], labels.Values);
    }

    [Fact]
    public void A_record_read_from_json_carries_its_labels_as_a_label_set()
    {
        var batch = MetricRecordReader.Read("""{"metric_name":"m","metric_type":"counter","labels":{"b":"2","a":"1"}}"""u8.ToArray(), 10, out _);

        var labels = Assert.IsType<LabelSet>(batch.Items[0].Record!.Labels);
        Assert.Equal("1", labels["a"]);
        Assert.Equal("2", labels["b"]);
    }

    [Fact]
    public void Records_with_the_same_labels_share_one_label_set()
    {
        var batch = MetricRecordReader.Read("""
            [{"metric_name":"m","metric_type":"counter","labels":{"app":"a1","pool":"p1"}},
             {"metric_name":"g","metric_type":"gauge","value":2,"labels":{"app":"a1","pool":"p1"}},
             {"metric_name":"m","metric_type":"counter","labels":{"app":"a1","pool":"p2"}}]
            """u8.ToArray(), 10, out _);

        Assert.Same(batch.Items[0].Record!.Labels, batch.Items[1].Record!.Labels);
        Assert.NotSame(batch.Items[0].Record!.Labels, batch.Items[2].Record!.Labels);
        Assert.Equal("p2", batch.Items[2].Record!.Labels["pool"]);
    }

    [Theory]
    [InlineData("""{"app":"a1","pool":"p2"}""")]
    [InlineData("""{"pool":"p1","app":"a1"}""")]
    [InlineData("""{"app":"a1"}""")]
    [InlineData("""{"app":"a1","pool":"p1","zone":"z"}""")]
    [InlineData("""{"app":"a1","pool":"p\u0032"}""")]
    [InlineData("""{"app":"a1","pool":"pü"}""")]
    [InlineData("""{"app":"a1","poo\u006b":"p1"}""")]
    public void A_cached_set_is_found_only_for_the_same_names_and_values_in_the_same_order(string other)
    {
        // One slot: every labels object lands on the same one, so only the comparison can tell them apart.
        var cache = new LabelSetCache(1);
        var kept = new LabelSet(["app", "a1", "pool", "p1"]);
        using (var first = Tape("""{"app":"a1","pool":"p1"}"""))
        {
            Assert.Null(cache.Find(first.Root, out int slot));
            cache.Keep(slot, kept);
        }

        using (var same = Tape("""{"app":"a1","pool":"p1"}"""))
        {
            Assert.Same(kept, cache.Find(same.Root, out _));
        }

        using var tape = Tape(other);
        Assert.Null(cache.Find(tape.Root, out _));
    }

    [Theory]
    [InlineData(100, "p1", true)]
    [InlineData(300, "p1", false)]
    [InlineData(1, "pü", false)]
    public void Only_short_ASCII_label_sets_are_kept(int appLength, string pool, bool kept)
    {
        // A set is kept before its record is accepted, so what a client sends must not decide how much the cache holds:
        // at most 256 bytes of names and values a set, and only ASCII ones, the only ones that can be found again.
        string json = "{\"app\":\"" + new string('a', appLength) + "\",\"pool\":\"" + pool + "\"}";
        using var tape = Tape(json);

        Assert.Null(new LabelSetCache(1).Find(tape.Root, out int slot));

        Assert.Equal(kept, slot >= 0);
    }

    private static JsonTape Tape(string json)
    {
        Assert.True(JsonTape.TryRead(System.Text.Encoding.UTF8.GetBytes(json), out var tape));
        return tape;
    }
}
