using System.Collections.Concurrent;

namespace MetricCollector.Gateway.Mcp;

/// <summary>
/// The <c>tool</c> label values of one route: tool names as they come, up to a limit (or only those of an allow-list),
/// and <c>other</c> beyond it, so that a client inventing tool names cannot grow the metrics without bound.
/// </summary>
internal sealed class McpToolLabels(McpInstrumentationOptions options)
{
    internal const int MaxNameLength = 128;
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string>? _allowed = options.AllowedTools is { } allowed ? new HashSet<string>(allowed, StringComparer.Ordinal) : null;
    private readonly Lock _addLock = new();

    public string Label(string? tool)
    {
        if (string.IsNullOrEmpty(tool))
        {
            return McpMethods.Other;
        }

        if (_known.TryGetValue(tool, out string? label))
        {
            return label;
        }

        if (!IsToolName(tool) || (_allowed is not null && !_allowed.Contains(tool)))
        {
            return McpMethods.Other;
        }

        lock (_addLock)
        {
            // An allow-list bounds the labels itself: every listed name gets its own, more than MaxTools too (a review
            // found the 51st of 60 listed tools counted other, without a word).
            if (_allowed is null && _known.Count >= options.MaxTools && !_known.ContainsKey(tool))
            {
                return McpMethods.Other;
            }

            return _known.GetOrAdd(tool, tool);
        }
    }

    // MCP tool names are 1 to 128 of [A-Za-z0-9_.-]; anything else is not worth a series.
    internal static bool IsToolName(string tool)
    {
        if (tool.Length > MaxNameLength)
        {
            return false;
        }

        foreach (char c in tool)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
