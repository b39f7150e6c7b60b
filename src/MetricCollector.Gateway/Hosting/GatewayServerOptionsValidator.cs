using System.Globalization;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>Refuses, at start-up, a shutdown delay not shorter than the drain deadline (each range is checked by its attribute).</summary>
internal sealed class GatewayServerOptionsValidator : IValidateOptions<GatewayServerOptions>
{
    private static readonly TimeSpan MaxShutdownTime = TimeSpan.Parse(GatewayServerOptions.MaxShutdownTime, CultureInfo.InvariantCulture);

    public ValidateOptionsResult Validate(string? name, GatewayServerOptions options)
    {
        // The delay only needs to outlast the readiness probes and the load balancers' notice, a few seconds; one as long
        // as the drain deadline is most likely a slip (minutes for seconds). 0, the default, is always allowed; a delay
        // out of its range is reported by its attribute alone.
        var delay = options.ShutdownDelay;
        if (delay > TimeSpan.Zero && delay <= MaxShutdownTime && delay >= options.ShutdownTimeout)
        {
            return ValidateOptionsResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"{GatewayServerOptions.SectionName}:ShutdownDelay ({delay:c}) must be less than {GatewayServerOptions.SectionName}:ShutdownTimeout ({options.ShutdownTimeout:c}): the delay need only outlast the readiness probes and the load balancers' notice, seconds; the drain of in-flight requests follows it."));
        }

        return ValidateOptionsResult.Success;
    }
}
