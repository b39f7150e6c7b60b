using System.Net;
using System.Net.Sockets;

namespace MetricCollector.Gateway.Tests;

/// <summary>Ports on 127.0.0.1 for servers the tests start (a backend that is down holds a <see cref="RefusedPort"/>).</summary>
internal static class LoopbackPorts
{
    /// <summary>A port nothing is bound to now, for a server to bind; released, so not for a backend meant to stay down.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
