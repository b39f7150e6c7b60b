namespace MetricCollector.Exposition;

/// <summary>
/// Writes the pushed counters and gauges, which are kept outside prometheus-net (see
/// <see cref="Collector.ValueSeries"/>), in the text format or OpenMetrics, family after family in the order they were
/// defined, each family's series in the stable order of its dictionary. Only series that have been written and not
/// removed appear; a family with none still has its HELP and TYPE lines, as prometheus-net writes them for a metric
/// whose series were all removed. OpenMetrics' closing <c># EOF</c> comes last, after these families.
/// </summary>
internal static class ValueExpositionWriter
{
    public static async Task WriteAsync(Stream destination, IReadOnlyList<ValueFamily> families, bool openMetrics, CancellationToken cancellationToken)
    {
        using var buffer = new ExpositionBuffer();
        for (int f = 0; f < families.Count; f++)
        {
            var family = families[f];
            int headerBytes = family.Header(openMetrics).Length;
            if (!buffer.HasRoom(headerBytes))
            {
                await buffer.MakeRoomAsync(headerBytes, destination, cancellationToken).ConfigureAwait(false);
            }

            buffer.Write(family.Header(openMetrics));
            foreach (var (labels, series) in family.Metric.Series)
            {
                if (!series.IsVisible)
                {
                    continue;
                }

                string[] values = labels.Values;
                int lineBytes = family.MaxLineBytes(values);
                if (!buffer.HasRoom(lineBytes))
                {
                    await buffer.MakeRoomAsync(lineBytes, destination, cancellationToken).ConfigureAwait(false);
                }

                buffer.Advance(family.WriteLine(buffer.Free, values, series.Value, openMetrics));
            }
        }

        if (openMetrics)
        {
            if (!buffer.HasRoom(EofWithholdingStream.Eof.Length))
            {
                await buffer.MakeRoomAsync(EofWithholdingStream.Eof.Length, destination, cancellationToken).ConfigureAwait(false);
            }

            buffer.Write(EofWithholdingStream.Eof);
        }

        await buffer.FlushAsync(destination, cancellationToken).ConfigureAwait(false);
    }
}
