using MetricCollector.Recording;

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
}
