// The floor under any proxy built on Kestrel, to tell what YARP costs from what ASP.NET Core itself does: the same
// command line as the gateway (--urls, --proxy-config, the route's destination address), one of three modes by
// PROXY_FLOOR_MODE:
//   answer      Kestrel answers the fixed body itself: no upstream at all.
//   httpclient  Kestrel and one SocketsHttpHandler, the request and response copied by hand: the .NET HTTP stack
//               both ways, without YARP.
//   socket      Kestrel and hand-written HTTP/1.1 over pooled upstream sockets (GET without a body, an answer with a
//               Content-Length): the least a Kestrel-based forwarder can do; it is not a proxy anyone could run.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Primitives;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["proxy-config"] is { Length: > 0 } proxyConfig)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(proxyConfig), optional: false);
    builder.Configuration.AddCommandLine(args);
}

var destination = new Uri(builder.Configuration["ReverseProxy:Clusters:bench:Destinations:d1:Address"]
    ?? throw new InvalidOperationException("no destination: --ReverseProxy:Clusters:bench:Destinations:d1:Address=<url>"));
string mode = Environment.GetEnvironmentVariable("PROXY_FLOOR_MODE") ?? "httpclient";
var app = builder.Build();
byte[] fixedBody = "hello, proxy\n"u8.ToArray();

switch (mode)
{
    case "answer":
        app.Run(async context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = fixedBody.Length;
            await context.Response.Body.WriteAsync(fixedBody);
        });
        break;
    case "httpclient":
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        });
        app.Run(async context =>
        {
            var request = context.Request;
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(destination, request.Path.Value + request.QueryString.Value));
            foreach (var header in request.Headers)
            {
                if (!string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase))
                {
                    message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
                }
            }

            using var answer = await invoker.SendAsync(message, context.RequestAborted);
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var header in answer.Headers)
            {
                if (!string.Equals(header.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[header.Key] = new StringValues([.. header.Value]);
                }
            }

            foreach (var header in answer.Content.Headers)
            {
                context.Response.Headers[header.Key] = new StringValues([.. header.Value]);
            }

            await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        break;
    case "socket":
        var pool = new ConcurrentBag<UpstreamConnection>();
        byte[] hostLine = Encoding.ASCII.GetBytes($"Host: {destination.Authority}\r\n");
        app.Run(async context =>
        {
            if (!pool.TryTake(out var upstream))
            {
                upstream = await UpstreamConnection.OpenAsync(destination);
            }

            var request = context.Request;
            int length = upstream.Begin(request.Path.Value + request.QueryString.Value, hostLine, request.Headers);
            await upstream.Socket.SendAsync(upstream.Buffer.AsMemory(0, length), SocketFlags.None);
            var (status, headerEnd, contentLength, received) = await upstream.ReadHeadAsync();
            context.Response.StatusCode = status;
            context.Response.ContentLength = contentLength;
            context.Response.ContentType = "text/plain";
            int inBuffer = Math.Min(received - headerEnd, contentLength);
            await context.Response.Body.WriteAsync(upstream.Buffer.AsMemory(headerEnd, inBuffer));
            for (int left = contentLength - inBuffer; left > 0;)
            {
                int read = await upstream.Socket.ReceiveAsync(upstream.Buffer.AsMemory(0, Math.Min(left, upstream.Buffer.Length)), SocketFlags.None);
                if (read == 0)
                {
                    throw new IOException("the upstream closed mid-body");
                }

                await context.Response.Body.WriteAsync(upstream.Buffer.AsMemory(0, read));
                left -= read;
            }

            pool.Add(upstream);
        });
        break;
    default:
        throw new InvalidOperationException($"PROXY_FLOOR_MODE={mode}: answer, httpclient or socket");
}

app.Run();

internal sealed class UpstreamConnection(Socket socket)
{
    public Socket Socket { get; } = socket;

    public byte[] Buffer { get; } = new byte[16384];

    public static async Task<UpstreamConnection> OpenAsync(Uri destination)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(destination.Host, destination.Port);
        return new UpstreamConnection(socket);
    }

    // The request head in Buffer: the request line, the upstream's Host, and every header of the client's but Host.
    public int Begin(string pathAndQuery, byte[] hostLine, IHeaderDictionary headers)
    {
        int n = Encoding.ASCII.GetBytes("GET ", Buffer);
        n += Encoding.ASCII.GetBytes(pathAndQuery, Buffer.AsSpan(n));
        n += Encoding.ASCII.GetBytes(" HTTP/1.1\r\n", Buffer.AsSpan(n));
        hostLine.CopyTo(Buffer, n);
        n += hostLine.Length;
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string? value in header.Value)
            {
                n += Encoding.ASCII.GetBytes(header.Key, Buffer.AsSpan(n));
                Buffer[n++] = (byte)':';
                Buffer[n++] = (byte)' ';
                n += Encoding.ASCII.GetBytes(value ?? "", Buffer.AsSpan(n));
                Buffer[n++] = (byte)'\r';
                Buffer[n++] = (byte)'\n';
            }
        }

        Buffer[n++] = (byte)'\r';
        Buffer[n++] = (byte)'\n';
        return n;
    }

    // Reads until the end of the response head: its status, where the body starts, its Content-Length, bytes read.
    public async Task<(int Status, int HeaderEnd, int ContentLength, int Received)> ReadHeadAsync()
    {
        int received = 0;
        while (true)
        {
            int read = await Socket.ReceiveAsync(Buffer.AsMemory(received), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("the upstream closed before its answer");
            }

            received += read;
            int end = Buffer.AsSpan(0, received).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Status(), end + 4, ContentLength(end), received);
            }
        }
    }

    private int Status() => int.Parse(Buffer.AsSpan(9, 3));

    private int ContentLength(int headEnd)
    {
        var head = Buffer.AsSpan(0, headEnd);
        int at = head.IndexOf("\r\nContent-Length: "u8);
        if (at < 0)
        {
            throw new InvalidDataException("the floor reads only answers with a Content-Length");
        }

        var rest = head[(at + 18)..];
        int eol = rest.IndexOf("\r\n"u8);
        return int.Parse(eol < 0 ? rest : rest[..eol]);
    }
}
