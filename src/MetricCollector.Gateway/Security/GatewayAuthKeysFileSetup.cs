using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MetricCollector.Gateway.Security;

/// <summary>
/// Adds the keys of <see cref="GatewayAuthOptions.KeysFile"/> to <see cref="GatewayAuthOptions.Keys"/> when the options
/// are built, so the file is read once and the validator and the authenticator see one list; and notes where each
/// configured key was written, so that the validator names it so.
/// </summary>
internal sealed class GatewayAuthKeysFileSetup(IConfiguration configuration) : IPostConfigureOptions<GatewayAuthOptions>
{
    public void PostConfigure(string? name, GatewayAuthOptions options)
    {
        // The binder packs the configured keys into the list in the order of their configuration keys, so a list
        // written with gaps (Keys:0 from appsettings.json, Keys:5 from the environment) or names (Keys:primary) holds
        // them at other indices: each is named by its own path, not by its place in the list.
        var configured = configuration.GetSection(GatewayAuthOptions.SectionName + ":Keys").GetChildren().ToList();
        if (configured.Count == options.Keys.Count)
        {
            for (int i = 0; i < configured.Count; i++)
            {
                options.Keys[i].Origin ??= configured[i].Path;
            }
        }

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
            var elements = JsonSerializer.Deserialize<List<JsonElement>>(stream, KeysFileJson) ?? [];
            var read = new List<ApiKeyOptions>(elements.Count);
            for (int i = 0; i < elements.Count; i++)
            {
                read.Add(ReadKey(path, i, elements[i]));
            }

            return read;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new GatewayStartupException($"Gateway:Auth:KeysFile '{path}' cannot be read: {ex.Message}");
        }
    }

    /// <summary>One key of the file; what is wrong with it is reported with its index, which the serializer's message lacks.</summary>
    private static ApiKeyOptions ReadKey(string path, int index, JsonElement element)
    {
        string where = $"Gateway:Auth:KeysFile '{path}', key {index} ($[{index}])";
        ApiKeyOptions? key;
        try
        {
            key = element.Deserialize<ApiKeyOptions>(KeysFileJson);
        }
        catch (JsonException ex)
        {
            throw new GatewayStartupException($"{where}: {ex.Message} Each key is {Shape}.");
        }

        // Left out, "key" keeps ApiKeyOptions' default, empty: as absent as null.
        if (key is not { Key.Length: > 0 })
        {
            throw new GatewayStartupException($"{where} has no \"key\". Each key is {Shape}.");
        }

        key.Origin = where;
        return key;
    }

    private const string Shape = """{"key": "...", "componentId": "...", "roles": ["Record", "Scrape", "Admin"]}""";

    private static readonly JsonSerializerOptions KeysFileJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(allowIntegerValues: false) },
        // A misspelled field ("componnetId") would leave the key unbound, free to write as any component.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
