using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MetricCollector.Gateway.Tests;

/// <summary>
/// A port on 127.0.0.1 where a backend is down: connecting is refused for as long as this is held, and no other
/// test's server can take the port meanwhile.
/// </summary>
/// <remarks>
/// A port found free and released (<see cref="LoopbackPorts.Free"/>) can be taken by a parallel test's server, whose
/// answers then make the "dead" backend healthy. Holding it bound is not enough through <see cref="Socket.Bind"/>: on
/// Unix .NET sets SO_REUSEADDR first, and Linux lets another SO_REUSEADDR socket (Kestrel's, WireMock's) bind a port
/// whose holder is not listening. So the port is bound with the system's own <c>bind</c>, without that option.
/// </remarks>
internal sealed partial class RefusedPort : IDisposable
{
    private const int AddressFamilyInet = 2;
    private readonly Socket _socket;

    private RefusedPort(Socket socket, int port)
    {
        _socket = socket;
        Port = port;
    }

    /// <summary>The port; a connection to 127.0.0.1 on it is refused.</summary>
    public int Port { get; }

    /// <summary>An <c>http://127.0.0.1:port/</c> address nothing answers at.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Binds a port chosen by the system and keeps it, not listening, until disposed.</summary>
    public static RefusedPort Hold()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (!OperatingSystem.IsLinux())
        {
            socket.ExclusiveAddressUse = true;
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return new RefusedPort(socket, ((IPEndPoint)socket.LocalEndPoint!).Port);
        }

        // struct sockaddr_in: family (host order), port (network order, 0: the system chooses), address, zero padding.
        var address = new byte[16];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)AddressFamilyInet);
        IPAddress.Loopback.TryWriteBytes(address.AsSpan(4, 4), out _);
        int length = address.Length;
        if (Bind(socket.Handle, address, length) != 0 || GetSocketName(socket.Handle, address, ref length) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            socket.Dispose();
            throw new InvalidOperationException($"Could not hold a loopback port: errno {error}");
        }

        return new RefusedPort(socket, (address[2] << 8) | address[3]);
    }

    public void Dispose() => _socket.Dispose();

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(nint socket, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    private static partial int GetSocketName(nint socket, byte[] address, ref int length);
}
