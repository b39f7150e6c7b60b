using MetricCollector.Recording;

namespace MetricCollector.Tests.Recording;

/// <summary>The rules records built in code must follow; they never pass through the JSON schema.</summary>
public sealed class RecordValidatorTests
{
    public static TheoryData<MetricRecord, string> InvalidRecords() => new()
    {
        { new MetricRecord("1abc", MetricType.Gauge) { Value = 1 }, "/metric_name" },
        { new MetricRecord("a:b", MetricType.Gauge) { Value = 1 }, "/metric_name" },
        { new MetricRecord(new string('a', 201), MetricType.Gauge) { Value = 1 }, "/metric_name" },
        { new MetricRecord("g", MetricType.Gauge), "/value" },
        { new MetricRecord("c", MetricType.Counter) { Help = "two\nlines" }, "/help" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Labels = TestCollector.Labels(("__name", "x")) }, "/labels/__name" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Labels = TestCollector.Labels(("bad-name", "x")) }, "/labels/bad-name" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Labels = TestCollector.Labels(("a", new string('v', 1025))) }, "/labels/a" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Labels = TestCollector.Labels(("a", "x\ud800")) }, "/labels/a" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Labels = TestCollector.Labels(("a", "\ud83d\ude00"), ("b", "\ude00\ud83d")) }, "/labels/b" },
        { new MetricRecord("c", MetricType.Counter) { Help = "\udc00" }, "/help" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Labels = TestCollector.Labels(("le", "1")) }, "/labels/le" },
        { new MetricRecord("s", MetricType.Summary) { Value = 1, Labels = TestCollector.Labels(("quantile", "1")) }, "/labels/quantile" },
        { new MetricRecord("h", MetricType.Histogram), "/value" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Values = [1] }, "/values" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Buckets = [1, 1] }, "/buckets/1" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Buckets = [2, 1] }, "/buckets/1" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Buckets = [double.PositiveInfinity] }, "/buckets/0" },
        { new MetricRecord("h", MetricType.Histogram) { Values = [1, double.NaN] }, "/values/1" },
        { new MetricRecord("c", MetricType.Counter) { Buckets = [1] }, "/buckets" },
        { new MetricRecord("c", MetricType.Counter) { Operation = GaugeOperation.Inc }, "/operation" },
        { new MetricRecord("g", MetricType.Gauge) { Value = 1, Values = [1] }, "/values" },
        { new MetricRecord("s", MetricType.Summary) { Value = 1, Objectives = [new QuantileObjective(1, 0.1)] }, "/objectives/0/quantile" },
        { new MetricRecord("s", MetricType.Summary) { Value = 1, Objectives = [new QuantileObjective(0.5, 0)] }, "/objectives/0/error" },
        { new MetricRecord("s", MetricType.Summary) { Value = 1, Objectives = [new QuantileObjective(0.5, 0.00001)] }, "/objectives/0/error" },
        { new MetricRecord("h", MetricType.Histogram) { Value = 1, Objectives = [new QuantileObjective(0.5, 0.1)] }, "/objectives" },
    };

    [Theory]
    [MemberData(nameof(InvalidRecords))]
    public void Invalid_records_are_refused_naming_the_field(MetricRecord record, string field)
    {
        var rejection = RecordValidator.Validate(record);

        Assert.NotNull(rejection);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(400, rejection.StatusCode);
    }

    [Fact]
    public void A_record_with_every_optional_field_right_passes()
    {
        var record = new MetricRecord("step_seconds", MetricType.Histogram)
        {
            Values = [0.1, 0.2],
            Buckets = [0.05, 0.1, 1],
            Labels = TestCollector.Labels(("appId", "a"), ("stepId", "s1")),
            Help = "Step time.",
        };

        Assert.Null(RecordValidator.Validate(record));
    }
}
