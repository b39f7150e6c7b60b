using System.Net;
using System.Net.Sockets;

namespace MetricCollector.Gateway.Tests;

/// <summary>Ports on 127.0.0.1 for servers the tests start, and for a backend that is down.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port nothing listens on now: free for a server to bind, or refused when connected to.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
