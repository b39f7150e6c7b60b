using System.Net;
using System.Net.Sockets;

namespace MetricCollector.Gateway.Tests;

/// <summary>The dead backend of the tests stays dead: its port refuses connections and no server can take it.</summary>
public sealed class RefusedPortTests
{
    [Fact]
    public async Task A_held_port_refuses_connections()
    {
        using var dead = RefusedPort.Hold();
        using var client = new TcpClient();

        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, dead.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public void A_held_port_cannot_be_taken_by_a_server_binding_it_as_Kestrel_and_WireMock_do()
    {
        using var dead = RefusedPort.Hold();
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var taken = Assert.Throws<SocketException>(() => server.Bind(new IPEndPoint(IPAddress.Loopback, dead.Port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
    }

    [Fact]
    public void A_released_port_is_free_again()
    {
        var dead = RefusedPort.Hold();
        int port = dead.Port;
        dead.Dispose();
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        server.Bind(new IPEndPoint(IPAddress.Loopback, port));

        Assert.Equal(port, ((IPEndPoint)server.LocalEndPoint!).Port);
    }
}
