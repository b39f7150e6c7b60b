using System.Runtime.CompilerServices;
using MetricCollector.Collector;

namespace MetricCollector.Exposition;

/// <summary>
/// Writes the pushed counters and gauges, which are kept outside prometheus-net (see
/// <see cref="ValueSeries"/>), in the text format or OpenMetrics, family after family in the order they were
/// defined, each family's series in the order they were created. Only series that have been written and not
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
            await buffer.EnsureRoomAsync(family.Header(openMetrics).Length, destination, cancellationToken).ConfigureAwait(false);
            buffer.Write(family.Header(openMetrics));
            var block = family.Roster.Current;
            int count = Volatile.Read(ref block.Count);
            int next = 0;
            int needed;
            while ((needed = Fill(buffer, family, block.Entries, count, ref next, openMetrics)) > 0)
            {
                await buffer.MakeRoomAsync(needed, destination, cancellationToken).ConfigureAwait(false);
            }
        }

        if (openMetrics)
        {
            await buffer.EnsureRoomAsync(EofWithholdingStream.Eof.Length, destination, cancellationToken).ConfigureAwait(false);
            buffer.Write(EofWithholdingStream.Eof);
        }

        await buffer.FlushAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the lines of <paramref name="entries"/> from <paramref name="next"/> until <paramref name="count"/>
    /// (returns 0) or until the next line may not fit (returns the room it needs; <paramref name="next"/> is that
    /// entry). A plain loop apart from the async method, so that its locals stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Fill(ExpositionBuffer buffer, ValueFamily family, SeriesRoster<ValueSeries>.Entry[] entries, int count, ref int next, bool openMetrics)
    {
        for (; next < count; next++)
        {
            var (labelValues, series) = entries[next];
            if (!series.IsVisible)
            {
                continue;
            }

            int lineBytes = family.MaxLineBytes(labelValues);
            if (!buffer.HasRoom(lineBytes))
            {
                return lineBytes;
            }

            buffer.Advance(family.WriteLine(buffer.Free, labelValues, series.Value, openMetrics));
        }

        return 0;
    }
}
