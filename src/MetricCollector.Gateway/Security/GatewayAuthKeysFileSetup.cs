using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Security;

/// <summary>
/// Adds the keys of <see cref="GatewayAuthOptions.KeysFile"/> to <see cref="GatewayAuthOptions.Keys"/> when the options
/// are built, so the file is read once and the validator and the authenticator see one list.
/// </summary>
internal sealed class GatewayAuthKeysFileSetup : IPostConfigureOptions<GatewayAuthOptions>
{
    public void PostConfigure(string? name, GatewayAuthOptions options)
    {
        if (string.IsNullOrEmpty(options.KeysFile))
        {
            return;
        }

        if (!File.Exists(options.KeysFile))
        {
            throw new GatewayStartupException($"Gateway:Auth:KeysFile '{options.KeysFile}' does not exist.");
        }

        options.Keys.AddRange(ReadKeysFile(options.KeysFile));
    }

    /// <summary>Reads the keys file; a malformed or unreadable file stops the start with a message naming it.</summary>
    private static List<ApiKeyOptions> ReadKeysFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<List<ApiKeyOptions>>(stream, KeysFileJson) ?? [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new GatewayStartupException($"Gateway:Auth:KeysFile '{path}' cannot be read: {ex.Message}");
        }
    }

    private static readonly JsonSerializerOptions KeysFileJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
