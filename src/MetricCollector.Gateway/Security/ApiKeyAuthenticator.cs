using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MetricCollector.Recording;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MetricCollector.Gateway.Security;

/// <summary>
/// Checks the bearer key (or, for scrapes, the basic-auth password) of a request against the configured keys. Every
/// key's hash is compared, in constant time, whatever matched first, so timing says nothing about which keys exist.
/// </summary>
internal sealed partial class ApiKeyAuthenticator
{
    private const string Challenge = "Bearer realm=\"metric-collector\"";

    // Bytes of a key or a basic-auth header decoded on the stack; keys are rarely over 100.
    private const int StackLimit = 512;

    private readonly ApiKey[] _keys;
    private readonly Counter _failures;

    public ApiKeyAuthenticator(IOptions<GatewayAuthOptions> options, IMetricCollector collector, ILogger<ApiKeyAuthenticator> logger)
    {
        var settings = options.Value;
        ComponentLabel = settings.ComponentLabel;
        RequireForMetrics = settings.RequireForMetrics;
        _keys = Load(settings);
        _failures = collector.Factory.CreateCounter(
            "metric_collector_auth_failures_total",
            "Requests refused for their credential, by endpoint (record, metrics, delete) and reason (unauthorized, forbidden).",
            ["endpoint", "reason"]);
        if (_keys.Length == 0)
        {
            LogOpen(logger);
        }
    }

    public string ComponentLabel { get; }

    public bool RequireForMetrics { get; }

    /// <summary>Checks a request that needs <paramref name="role"/>; open when no keys are configured.</summary>
    public AuthResult Authenticate(HttpContext context, ApiKeyRole role, string endpoint)
    {
        if (_keys.Length == 0)
        {
            return AuthResult.Open;
        }

        var result = Check(context.Request, role);
        if (result.Failure is { } failure)
        {
            _failures.WithLabels(endpoint, ReasonLabels.Of(failure)).Inc();
            if (failure == RejectionReason.Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = Challenge;
            }
        }

        return result;
    }

    /// <summary>
    /// Counts a request whose key was accepted but whose content it may not write (a record claiming another
    /// component): refused for its key as much as a missing role is.
    /// </summary>
    public void CountForbidden(string endpoint) => _failures.WithLabels(endpoint, ReasonLabels.Of(RejectionReason.Forbidden)).Inc();

    private AuthResult Check(HttpRequest request, ApiKeyRole role)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!TryHashSecret(request, role, hash))
        {
            return new AuthResult(RejectionReason.Unauthorized,
                "send a key as 'Authorization: Bearer <key>'" + (role == ApiKeyRole.Scrape ? " (or basic auth with the key as password)." : "."), null);
        }

        ApiKey? match = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                match = key;
            }
        }

        if (match is null)
        {
            return new AuthResult(RejectionReason.Unauthorized, "the key is not valid.", null);
        }

        return match.Roles.Contains(role)
            ? new AuthResult(null, "", match)
            : new AuthResult(RejectionReason.Forbidden, $"the key lacks the '{role.ToString().ToLowerInvariant()}' role.", match);
    }

    /// <summary>Hashes the request's bearer key (or, for a scrape, its basic-auth password) into <paramref name="hash"/>.</summary>
    private static bool TryHashSecret(HttpRequest request, ApiKeyRole role, Span<byte> hash)
    {
        string? header = request.Headers.Authorization;
        if (header is null)
        {
            return false;
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return TryHash(header.AsSpan(7).Trim(), basic: false, hash);
        }

        // Prometheus scrape configs offer basic auth as well as bearer tokens; the password is the key.
        return role == ApiKeyRole.Scrape && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            && TryHash(header.AsSpan(6).Trim(), basic: true, hash);
    }

    /// <summary>
    /// Hashes the UTF-8 of a bearer key, or the password in base64 <c>user:password</c>. The bytes are on the stack up to
    /// <see cref="StackLimit"/>, in a pooled array (cleared after) beyond: the header's size is the client's to choose,
    /// up to <c>Gateway:Server:MaxRequestHeadersTotalSize</c> (1 MiB at most), too much for a thread's stack.
    /// </summary>
    private static bool TryHash(ReadOnlySpan<char> text, bool basic, Span<byte> hash)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        // UTF-8 takes at most 3 bytes per UTF-16 unit; base64 decodes to fewer bytes than it has characters.
        int most = basic ? text.Length : text.Length * 3;
        byte[]? rented = null;
        Span<byte> bytes = most <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            scoped ReadOnlySpan<byte> secret;
            if (basic)
            {
                if (!Convert.TryFromBase64Chars(text, bytes, out int length))
                {
                    return false;
                }

                int colon = bytes[..length].IndexOf((byte)':');
                secret = colon < 0 ? default : bytes[(colon + 1)..length];
            }
            else
            {
                secret = bytes[..Encoding.UTF8.GetBytes(text, bytes)];
            }

            if (secret.IsEmpty)
            {
                return false;
            }

            SHA256.HashData(secret, hash);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static ApiKey[] Load(GatewayAuthOptions settings)
    {
        var keys = new ApiKey[settings.Keys.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            var key = settings.Keys[i];
            var roles = new HashSet<ApiKeyRole>(key.Roles.Count == 0 ? [ApiKeyRole.Record] : key.Roles);
            keys[i] = new ApiKey(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key)), key.ComponentId, roles);
        }

        return keys;
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "No API keys are configured (Gateway:Auth:Keys, Gateway:Auth:KeysFile): anyone who reaches the gateway may push records and delete series")]
    private static partial void LogOpen(ILogger logger);
}
