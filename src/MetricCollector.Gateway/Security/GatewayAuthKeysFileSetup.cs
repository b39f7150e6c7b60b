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

        options.Keys.AddRange(ApiKeyAuthenticator.ReadKeysFile(options.KeysFile));
    }
}
