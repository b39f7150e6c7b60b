using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Mcp;

/// <summary>Refuses, at start-up, allowed tool names that could never match: such names are always recorded as <c>other</c>.</summary>
internal sealed class McpInstrumentationOptionsValidator : IValidateOptions<McpInstrumentationOptions>
{
    public ValidateOptionsResult Validate(string? name, McpInstrumentationOptions options)
    {
        var allowed = options.AllowedTools ?? [];
        for (int i = 0; i < allowed.Length; i++)
        {
            if (string.IsNullOrEmpty(allowed[i]) || !McpToolLabels.IsToolName(allowed[i]))
            {
                return ValidateOptionsResult.Fail(
                    $"{McpInstrumentationOptions.SectionName}:AllowedTools:{i} is '{allowed[i]}', which is not a tool name and could never match: 1 to {McpToolLabels.MaxNameLength} letters, digits and '_-./'.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
