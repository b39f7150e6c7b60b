using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>
/// How the gateway binds each of its configuration sections: strictly, so that a setting the options do not have
/// (a typo such as <c>MetricCollector:MaxSerie</c>) stops the start naming it (<see cref="StartupFailure"/>) instead of
/// leaving the default in place without a word.
/// </summary>
internal static class StrictBinding
{
    /// <summary>Binds <paramref name="section"/> to the options, failing on any key they do not have.</summary>
    public static OptionsBuilder<T> BindStrictly<T>(this OptionsBuilder<T> builder, string section)
        where T : class =>
        builder.BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true);
}
