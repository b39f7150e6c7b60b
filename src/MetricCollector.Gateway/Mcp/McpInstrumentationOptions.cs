using System.ComponentModel.DataAnnotations;

namespace MetricCollector.Gateway.Mcp;

/// <summary>Settings of the MCP-aware instrumentation, bound from the <c>Gateway:Mcp</c> section.</summary>
public sealed class McpInstrumentationOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Gateway:Mcp";

    /// <summary>The cluster whose routes are read as MCP unless a route's metadata says otherwise (<c>"Mcp": "false"</c>).</summary>
    [Required]
    public string Cluster { get; set; } = "core-mcp-server";

    /// <summary>
    /// The largest request (and JSON response) body read to find the JSON-RPC method (default 64 KiB); larger ones are
    /// forwarded without being read and counted with <c>method="unparsed"</c>.
    /// </summary>
    [Range(1024, 512 * 1024)]
    public int PeekLimitBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Distinct tool names recorded per route id (default 50), first come first served, for the life of the process;
    /// later ones are recorded as <c>other</c>. Any client can fill them: prefer <see cref="AllowedTools"/> in production.
    /// Not applied with <see cref="AllowedTools"/>, whose list bounds the names itself.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxTools { get; set; } = 50;

    /// <summary>When set, only these tool names are recorded, every one of them; the rest are <c>other</c>.</summary>
#pragma warning disable CA1819 // Bound from configuration, which replaces arrays whole.
    public string[]? AllowedTools { get; set; }
#pragma warning restore CA1819
}
