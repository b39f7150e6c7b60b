using System.Text;

namespace MetricCollector.Exposition;

/// <summary>
/// The <c>_sum</c> and <c>_count</c> lines that histograms and summaries begin each series with, as prometheus-net
/// 8.2.1 writes them, and the lines after them that repeat the series' labels with one more (<c>le</c>,
/// <c>quantile</c>). The label values are escaped once, into the <c>_sum</c> line, and copied from there.
/// </summary>
internal sealed class SumAndCountLines
{
    private readonly byte[] _sumName;
    private readonly byte[] _countName;

    // Label i's opening: "name=\"" for the first, "\",name=\"" for the others; the label part ends with "\"".
    private readonly byte[][] _labelOpenings;

    /// <param name="name">The family's name.</param>
    /// <param name="labelNames">Its label names, in the order the series' values come.</param>
    public SumAndCountLines(string name, IReadOnlyList<string> labelNames)
    {
        _sumName = Encoding.UTF8.GetBytes(name + "_sum");
        _countName = Encoding.UTF8.GetBytes(name + "_count");
        _labelOpenings = new byte[labelNames.Count][];
        for (int i = 0; i < labelNames.Count; i++)
        {
            _labelOpenings[i] = Encoding.UTF8.GetBytes((i == 0 ? "" : "\",") + labelNames[i] + "=\"");
            LabelBytes += _labelOpenings[i].Length;
        }
    }

    /// <summary>The bytes of the label names and their punctuation in a line, without the values.</summary>
    public int LabelBytes { get; }

    /// <summary>The longer of the <c>_sum</c> and <c>_count</c> names.</summary>
    public int LongestName => _countName.Length;

    /// <summary>
    /// Writes <c>name_sum{labels} sum</c> and <c>name_count{labels} count</c> into <paramref name="destination"/>;
    /// returns the bytes written, and in <paramref name="labels"/> where the label part (between the braces) lies in
    /// <paramref name="destination"/>, empty for a series without labels.
    /// </summary>
    public int Write(Span<byte> destination, string[] labelValues, double sum, long count, bool openMetrics, out Range labels)
    {
        _sumName.CopyTo(destination);
        int written = _sumName.Length;
        labels = default;
        if (labelValues.Length == 0)
        {
            destination[written++] = (byte)' ';
        }
        else
        {
            destination[written++] = (byte)'{';
            int start = written;
            for (int i = 0; i < labelValues.Length; i++)
            {
                byte[] opening = _labelOpenings[i];
                opening.CopyTo(destination[written..]);
                written += opening.Length;
                written += SampleText.WriteEscaped(labelValues[i], destination[written..]);
            }

            destination[written++] = (byte)'"';
            labels = start..written;
            "} "u8.CopyTo(destination[written..]);
            written += 2;
        }

        written += SampleText.WriteValue(sum, openMetrics, destination[written..]);
        destination[written++] = (byte)'\n';

        _countName.CopyTo(destination[written..]);
        written += _countName.Length;
        var labelPart = destination[labels];
        if (labelPart.IsEmpty)
        {
            destination[written++] = (byte)' ';
        }
        else
        {
            destination[written++] = (byte)'{';
            labelPart.CopyTo(destination[written..]);
            written += labelPart.Length;
            "} "u8.CopyTo(destination[written..]);
            written += 2;
        }

        written += SampleText.WriteCount(count, destination[written..]);
        destination[written++] = (byte)'\n';
        return written;
    }

    /// <summary>
    /// Writes <c>name{labels,last</c> into <paramref name="destination"/>, where <paramref name="last"/> is the extra
    /// label up to the value (<c>le="0.5"} </c>); returns the bytes written.
    /// </summary>
    public static int WriteNameAndLabels(Span<byte> destination, byte[] name, ReadOnlySpan<byte> labels, byte[] last)
    {
        name.CopyTo(destination);
        int written = name.Length;
        destination[written++] = (byte)'{';
        if (!labels.IsEmpty)
        {
            labels.CopyTo(destination[written..]);
            written += labels.Length;
            destination[written++] = (byte)',';
        }

        last.CopyTo(destination[written..]);
        return written + last.Length;
    }
}
