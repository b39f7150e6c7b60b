using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Hosting;

/// <summary>Applies <see cref="GatewayServerOptions"/> to Kestrel, its socket transport and the host's shutdown deadline.</summary>
internal sealed class GatewayServerSetup(IOptions<GatewayServerOptions> options)
    : IConfigureOptions<KestrelServerOptions>, IConfigureOptions<SocketTransportOptions>, IConfigureOptions<HostOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var settings = options.Value;
        var limits = kestrel.Limits;
        limits.MaxRequestHeadersTotalSize = settings.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = settings.MaxRequestHeaderCount;
        limits.MaxRequestLineSize = settings.MaxRequestLineSize;
        limits.RequestHeadersTimeout = settings.RequestHeadersTimeout;
        limits.KeepAliveTimeout = settings.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = settings.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(settings.MinRequestBodyBytesPerSecond, settings.MinBodyDataRateGracePeriod)
            : null;
    }

    // The other half, inline socket completions, is set for the process before its first socket (InlineSocketCompletions).
    public void Configure(SocketTransportOptions transport) => transport.UnsafePreferInlineScheduling = options.Value.InlineScheduling;

    // The host's deadline covers the whole stop: the delay (ShutdownDelayService.StoppingAsync), then the drain, which
    // gets the full ShutdownTimeout of its own.
    public void Configure(HostOptions host) => host.ShutdownTimeout = options.Value.ShutdownDelay + options.Value.ShutdownTimeout;
}
