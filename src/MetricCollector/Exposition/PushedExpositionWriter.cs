namespace MetricCollector.Exposition;

/// <summary>
/// Writes the families kept outside prometheus-net: the host's histograms (<see cref="Collector.HostHistogram"/>), then
/// the pushed metrics (see <see cref="Collector.ValueSeries"/>, <see cref="Collector.HistogramSeries"/> and
/// <see cref="Collector.SummarySeries"/>), in the text format or OpenMetrics, each list's families in the order they
/// were defined, each family's series in the order they were created. Only series that have been written and not removed appear; a family with none still has its HELP and TYPE
/// lines, as prometheus-net writes them for a metric whose series were all removed. OpenMetrics' closing
/// <c># EOF</c> comes last, after these families.
/// </summary>
internal static class PushedExpositionWriter
{
    /// <param name="destination">Where the text goes.</param>
    /// <param name="lists">Lists of families, written one list after the other.</param>
    /// <param name="openMetrics">OpenMetrics rather than the text format 0.0.4.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    public static async Task WriteAsync(Stream destination, IReadOnlyList<IReadOnlyList<PushedFamily>> lists, bool openMetrics, CancellationToken cancellationToken)
    {
        using var buffer = new ExpositionBuffer();
        for (int l = 0; l < lists.Count; l++)
        {
            var families = lists[l];
            for (int f = 0; f < families.Count; f++)
            {
                var family = families[f];
                await buffer.EnsureRoomAsync(family.Header(openMetrics).Length, destination, cancellationToken).ConfigureAwait(false);
                buffer.Write(family.Header(openMetrics));
                await family.WriteSeriesAsync(buffer, destination, openMetrics, cancellationToken).ConfigureAwait(false);
            }
        }

        if (openMetrics)
        {
            await buffer.EnsureRoomAsync(EofWithholdingStream.Eof.Length, destination, cancellationToken).ConfigureAwait(false);
            buffer.Write(EofWithholdingStream.Eof);
        }

        await buffer.FlushAsync(destination, cancellationToken).ConfigureAwait(false);
    }
}
