using System.Globalization;
using System.Text;
using CsCheck;
using MetricCollector.Collector;
using MetricCollector.Exposition;
using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Tests.Exposition;

/// <summary>
/// Pushed counters and gauges are written by our own writer instead of prometheus-net. These tests prove it writes
/// what prometheus-net 8.2.1 writes for the same family, byte for byte, in both formats (but the HELP text, which prometheus-net does not escape): HELP and TYPE lines, the
/// counter's <c>_total</c>, label escaping, every kind of number, and the series in the same order (both write them in
/// the order they were created, removed ones left out).
/// </summary>
public sealed class ValueExpositionTests
{
    private const int Families = 3000;

    internal static readonly Gen<string> MetricName = Gen.Select(
        Gen.Char["abcxyzABXYZ_"], Gen.Char["abcxyz019_"].Array[0, 10], (head, tail) => head + new string(tail));

    internal static readonly Gen<string> Help = Gen.Frequency(
        (4, Gen.Char["abc XYZ.,()_-"].Array[0, 30].Select(chars => new string(chars))),
        (2, Gen.String),
        (2, Gen.OneOf("", " ", "  ", "\t", "\n", " \u00a0\u2028 ", "help with \\ back\nslash \"q\"", "ü✓ 数据 😀", "x\ud800y", "# EOF", " leading and trailing ")));

    internal static readonly Gen<string> LabelValue = Gen.Frequency(
        (3, Gen.Char["abcXYZ019_ -.:/"].Array[0, 12].Select(chars => new string(chars))),
        (3, Gen.String),
        (1, Gen.Char.Array[0, 40].Select(chars => new string(chars))),
        (2, Gen.OneOf(
            "", "\"", "\\", "\n", "\r\n", "\t", "\u0000", "\u001f\u007f", "\u2028", "😀", "数据", "} 1\nfake 2", "# EOF", "\ud800",
            "\udc00x", "a\\\"b\\n", "\\\\", "\"\"", "q\"uo\\te\nnew line ü✓", "{le=\"1\"}")));

    internal static readonly Gen<string[]> LabelNames = Gen.OneOf("a", "b", "pool", "zone", "x_1", "_u", "Z", "app_id", "appId")
        .Array[0, 4].Select(names => names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// <summary>Numbers at every corner of prometheus-net's formatting: 0, ±1, integers near where "g" turns to exponents, tiny and huge, specials.</summary>
    internal static readonly Gen<double> AnyNumber = Gen.Frequency(
        (3, Gen.OneOf(
            0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 0.1, 0.30000000000000004, 1e14, 1e15, 1e16, 1e17, 123456789012345678.0, 1e20, 1e21, 1e-4, 1e-5,
            1.5e-7, 123456789, double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, double.PositiveInfinity,
            double.NegativeInfinity, double.NaN, 9007199254740993, 4294967296, 1e300, 1e-300)),
        (2, Gen.Long[-1_000_000_000_000_000, 1_000_000_000_000_000].Select(l => (double)l)),
        (2, Gen.Long[-999_999_999_999_999, 999_999_999_999_999].Select(l => (double)l)),
        (1, Gen.Select(Gen.Int[0, 25], Gen.Int[1, 9], Gen.Bool).Select((exponent, digit, negative) => (negative ? -digit : digit) * Math.Pow(10, exponent))),
        (2, Gen.Int[-1000, 1000].Select(i => (double)i)),
        (2, Gen.Double[-1e6, 1e6]),
        (2, Gen.Double));

    /// <summary>What prometheus-net's Counter.Inc accepts: no negative increment (NaN passes its check).</summary>
    private static readonly Gen<double> CounterNumber = AnyNumber.Select(d => d < 0 ? -d : d);

    private static readonly Gen<FamilySpec> Family =
        from counter in Gen.Bool
        from name in MetricName
        from withTotal in Gen.Int[0, 4]
        from help in Help
        from labelNames in LabelNames
        from count in Gen.Frequency((2, Gen.Int[0, 1]), (3, Gen.Int[2, 8]))
        from labelValues in LabelValue.Array[labelNames.Length].Array[count]
        from values in (counter ? CounterNumber : AnyNumber).Array[count]
        from removed in Gen.Int[0, 5].Array[count]
        select new FamilySpec(
            counter ? MetricType.Counter : MetricType.Gauge,
            // Mostly counters named as the collector names them; some without "_total" (OpenMetrics types them "unknown").
            counter && withTotal > 0 ? name + "_total" : name,
            help,
            labelNames,
            Distinct(labelValues, values, removed, labelNames.Length));

    [Fact]
    public async Task Our_writer_writes_every_generated_counter_and_gauge_family_as_prometheus_net_does_in_both_formats()
    {
        int ordered = 0, removedSeries = 0, written = 0;
        await Family.SampleAsync(async family =>
        {
            foreach (bool openMetrics in new[] { false, true })
            {
                AssertBytes(await PrometheusNetAsync(family, openMetrics), await OursAsync(family, openMetrics), family, openMetrics);
            }

            if (family.Series.Count(s => !s.Removed) >= 3)
            {
                Interlocked.Increment(ref ordered);
            }

            Interlocked.Add(ref removedSeries, family.Series.Count(s => s.Removed));
            Interlocked.Add(ref written, family.Series.Count(s => !s.Removed));
        }, iter: Families, threads: 1, print: family => family.ToString());

        // The generator must reach families whose series order matters and families with removed series.
        Assert.True(ordered > Families / 5, $"only {ordered} families with 3 series or more");
        Assert.True(removedSeries > Families / 5 && written > Families, $"{removedSeries} removed, {written} written");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_larger_than_the_writers_buffer_is_written_whole(bool openMetrics)
    {
        string huge = string.Concat(Enumerable.Repeat("ü\"\\\n😀x", 40_000));
        var family = new FamilySpec(MetricType.Gauge, "huge", "h", ["a", "b"],
            [new SeriesSpec([huge, "small"], 1.5, false), new SeriesSpec(["small", huge], -2, false), new SeriesSpec(["", ""], 3, false)]);

        AssertBytes(await PrometheusNetAsync(family, openMetrics), await OursAsync(family, openMetrics), family, openMetrics);
    }

    [Fact]
    public async Task Records_applied_to_the_collector_give_what_the_same_records_gave_on_prometheus_net()
    {
        // The collector's own apply path (counter add, gauge set, inc and dec) against prometheus-net's children fed the
        // same records, as the collector did before; compared as whole expositions of the pushed families.
        var step = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.OneOf(
            Gen.Double[0, 1e6], Gen.Int[0, 1000].Select(i => (double)i), Gen.OneOf(0.1, 1e308, 0.0, 1.0, 1e-9, 123456789.0)));
        await step.Array[1, 60].SampleAsync(async steps =>
        {
            var collector = TestCollector.Create();
            var registry = Metrics.NewCustomRegistry();
            var factory = Metrics.WithCustomRegistry(registry);
            factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
            // Created on first use, as the collector defines a metric with its first record.
            Counter Counter() => factory.CreateCounter("d_jobs_total", "counter d_jobs_total, pushed through POST /record.", new CounterConfiguration { LabelNames = ["k"], SuppressInitialValue = true });
            Gauge Gauge() => factory.CreateGauge("d_level", "gauge d_level, pushed through POST /record.", new GaugeConfiguration { LabelNames = ["k"], SuppressInitialValue = true });
            // What each series holds: a record that would make it infinite is refused (value_overflow) and changes
            // nothing, so prometheus-net is not fed it.
            var held = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (kind, key, value) in steps)
            {
                string label = "k" + key.ToString(CultureInfo.InvariantCulture);
                switch (kind)
                {
                    case 0 or 1:
                        var counted = collector.Record(TestCollector.Counter("d_jobs", value, ("k", label)));
                        if (Overflows(held, "c" + label, value, counted))
                        {
                            break;
                        }

                        Counter().WithLabels(label).Inc(value);
                        break;
                    default:
                        var operation = (GaugeOperation)(kind - 2);
                        var set = collector.Record(TestCollector.Gauge("d_level", value, operation, ("k", label)));
                        if (operation is not (GaugeOperation.Inc or GaugeOperation.Dec))
                        {
                            Assert.True(set.IsAccepted);
                            held["g" + label] = value;
                        }
                        else if (Overflows(held, "g" + label, operation == GaugeOperation.Inc ? value : -value, set))
                        {
                            break;
                        }

                        var child = Gauge().WithLabels(label);
                        switch (operation)
                        {
                            case GaugeOperation.Inc: child.Inc(value); break;
                            case GaugeOperation.Dec: child.Dec(value); break;
                            default: child.Set(value); break;
                        }

                        break;
                }
            }

            foreach (var format in new[] { MetricsFormat.PrometheusText, MetricsFormat.OpenMetrics })
            {
                using var stream = new MemoryStream();
                await registry.CollectAndExportAsTextAsync(stream, format == MetricsFormat.OpenMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText);
                var expected = PushedLines(Encoding.UTF8.GetString(stream.ToArray()));
                var actual = PushedLines(await collector.ExposeAsync(format));
                Assert.Equal(expected, actual);
            }
        }, iter: 300, threads: 1);
    }

    /// <summary>
    /// True when adding <paramref name="delta"/> to what series <paramref name="key"/> holds would not be finite, and
    /// then asserts the collector refused the record; otherwise asserts it accepted it and adds.
    /// </summary>
    private static bool Overflows(Dictionary<string, double> held, string key, double delta, RecordOutcome outcome)
    {
        double next = held.GetValueOrDefault(key) + delta;
        if (!double.IsFinite(next))
        {
            Assert.Equal(RejectionReason.ValueOverflow, outcome.Rejection?.Reason);
            return true;
        }

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Detail);
        held[key] = next;
        return false;
    }

    [Fact]
    public async Task Pushed_families_follow_the_registrys_in_definition_order_and_OpenMetrics_ends_with_one_EOF()
    {
        var collector = TestCollector.Create();
        await collector.RecordAsync(TestCollector.Counter("first_total", 1));
        await collector.RecordAsync(new MetricRecord("latency_seconds", MetricType.Histogram) { Value = 0.2 });
        await collector.RecordAsync(new MetricRecord("call_seconds", MetricType.Summary) { Value = 0.2 });
        await collector.RecordAsync(TestCollector.Gauge("second", 2));

        string text = await collector.ExposeAsync(MetricsFormat.PrometheusText);
        string openMetrics = await collector.ExposeAsync(MetricsFormat.OpenMetrics);

        foreach (string exposition in new[] { text, openMetrics })
        {
            // Every pushed family follows the registry's, in the order they were defined.
            int self = exposition.IndexOf("# TYPE metric_collector_series gauge", StringComparison.Ordinal);
            int counter = exposition.IndexOf("# TYPE first", StringComparison.Ordinal);
            int histogram = exposition.IndexOf("# TYPE latency_seconds histogram", StringComparison.Ordinal);
            int summary = exposition.IndexOf("# TYPE call_seconds summary", StringComparison.Ordinal);
            int gauge = exposition.IndexOf("# TYPE second gauge", StringComparison.Ordinal);
            Assert.True(self >= 0 && counter > self && histogram > counter && summary > histogram && gauge > summary, exposition);
        }

        Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
        Assert.Equal(openMetrics.Length - "# EOF\n".Length, openMetrics.IndexOf("# EOF", StringComparison.Ordinal));
        Assert.Contains("\n# HELP second gauge second, pushed through POST /record.\n# TYPE second gauge\nsecond 2.0\n# EOF\n", openMetrics, StringComparison.Ordinal);
        Assert.True(await ExpositionOracles.PythonParseAsync(openMetrics, openMetrics: true) > 20);
    }

    [Fact]
    public async Task The_EOF_holding_stream_passes_everything_but_a_final_EOF_line_however_the_writes_are_cut()
    {
        var cuts = Gen.Select(Gen.Byte.Array[0, 40], Gen.Bool, Gen.Int[0, 12].Array[0, 12], Gen.Bool);
        await cuts.SampleAsync(async sample =>
        {
            var (body, endsWithEof, sizes, async) = sample;
            byte[] content = endsWithEof ? [.. body, .. "# EOF\n"u8] : body;
            using var inner = new MemoryStream();
            var stream = new EofWithholdingStream(inner);
            await WriteInCutsAsync(stream, content, sizes, async);

            await stream.CompleteAsync(CancellationToken.None);

            Assert.Equal(endsWithEof ? body : content, inner.ToArray());
        }, iter: 2000, threads: 1);
    }

    // Writes content in pieces of the given sizes (the rest in one last write), synchronously or not.
    private static async Task WriteInCutsAsync(Stream stream, byte[] content, int[] sizes, bool async)
    {
        int offset = 0;
        foreach (int size in sizes.Append(int.MaxValue))
        {
            int count = Math.Min(size, content.Length - offset);
            if (async)
            {
                await stream.WriteAsync(content.AsMemory(offset, count));
            }
            else
            {
                stream.Write(content, offset, count);
            }

            offset += count;
        }
    }

    private static void AssertBytes(byte[] expected, byte[] actual, FamilySpec family, bool openMetrics)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.Fail($"{(openMetrics ? "OpenMetrics" : "text")} differs for {family}\nprometheus-net: {Show(expected)}\nours:           {Show(actual)}");
        }
    }

    private static string Show(byte[] bytes) => Convert.ToHexString(bytes) + "\n" + Encoding.UTF8.GetString(bytes).Replace("\n", "\u23CE\n", StringComparison.Ordinal);

    /// <summary>
    /// prometheus-net writes the help as it is given, so a backslash or line feed in it breaks its exposition; it is
    /// given the help escaped as the format requires, which proves every other byte of ours equal to its.
    /// </summary>
    private static string HelpAsEscaped(string help, bool openMetrics) => SampleText.EscapeHelp(help, openMetrics);

    private static async Task<byte[]> PrometheusNetAsync(FamilySpec family, bool openMetrics)
    {
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        if (family.Type == MetricType.Counter)
        {
            var counter = factory.CreateCounter(family.Name, HelpAsEscaped(family.Help, openMetrics), new CounterConfiguration { LabelNames = family.LabelNames, SuppressInitialValue = true });
            foreach (var series in family.Series)
            {
                var child = counter.WithLabels(series.Labels);
                child.Inc(series.Value);
                if (series.Removed)
                {
                    child.Remove();
                }
            }
        }
        else
        {
            var gauge = factory.CreateGauge(family.Name, HelpAsEscaped(family.Help, openMetrics), new GaugeConfiguration { LabelNames = family.LabelNames, SuppressInitialValue = true });
            foreach (var series in family.Series)
            {
                var child = gauge.WithLabels(series.Labels);
                child.Set(series.Value);
                if (series.Removed)
                {
                    child.Remove();
                }
            }
        }

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText);
        return stream.ToArray();
    }

    private static async Task<byte[]> OursAsync(FamilySpec family, bool openMetrics)
    {
        var definition = new MetricDefinition(family.Name, family.Type, family.LabelNames, null, null, family.Help);
        var metric = new PushedMetric<ValueSeries>(definition, new SeriesBudget(1000), 1000, _ => new ValueSeries(),
            family.Type == MetricType.Counter ? (series, record, _) => { series.Add(record.Value!.Value); return true; } : (series, record, _) => { series.Set(record.Value!.Value); return true; }, keepRoster: true);
        foreach (var series in family.Series)
        {
            var record = new MetricRecord(family.Name, family.Type) { Value = series.Value };
            Assert.Equal(SeriesApplyResult.Applied, metric.TryApply(record, [.. series.Labels], 1, null));
            if (series.Removed)
            {
                var matchers = family.LabelNames.Zip(series.Labels).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
                Assert.Equal(1, metric.RemoveMatching(matchers));
            }
        }

        using var stream = new MemoryStream();
        await PushedExpositionWriter.WriteAsync(stream, [[new ValueFamily(metric)]], openMetrics, CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>Series with distinct label values (a repeated set is one series); a series is removed one time in six.</summary>
    private static SeriesSpec[] Distinct(string[][] labelValues, double[] values, int[] removed, int labelCount)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var series = new List<SeriesSpec>();
        for (int i = 0; i < labelValues.Length; i++)
        {
            // Without labels a family has one series at most.
            string key = labelCount == 0 ? "" : string.Join("\u0000\uffff", labelValues[i]);
            if (seen.Add(key))
            {
                series.Add(new SeriesSpec(labelValues[i], values[i], removed[i] == 0));
            }
        }

        return [.. series];
    }

    /// <summary>The lines of the pushed families (named d_*), in their order.</summary>
    private static List<string> PushedLines(string exposition) =>
        [.. exposition.Split('\n')
            .Where(line => line.StartsWith("d_", StringComparison.Ordinal) || line.StartsWith("# HELP d_", StringComparison.Ordinal) || line.StartsWith("# TYPE d_", StringComparison.Ordinal))];

    private sealed record SeriesSpec(string[] Labels, double Value, bool Removed)
    {
        public override string ToString() =>
            $"[{string.Join(", ", Labels.Select(ExpositionDiff.Escape))}] = {Value.ToString("R", CultureInfo.InvariantCulture)}{(Removed ? " (removed)" : "")}";
    }

    private sealed record FamilySpec(MetricType Type, string Name, string Help, string[] LabelNames, SeriesSpec[] Series)
    {
        public override string ToString() =>
            $"{Type} {Name} help {ExpositionDiff.Escape(Help)} labels [{string.Join(", ", LabelNames)}] series {string.Join("; ", Series.Select(s => s.ToString()))}";
    }

}
