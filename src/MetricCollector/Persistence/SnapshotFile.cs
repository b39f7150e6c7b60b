using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetricCollector.Persistence;

/// <summary>
/// The snapshot on disk: a header line carrying the SHA-256 of the JSON that follows, so that a torn or edited file is
/// detected; written to a temporary file, flushed to the disk and renamed over the old one, so a crash mid-write
/// leaves the previous snapshot whole.
/// </summary>
internal static class SnapshotFile
{
    private const string HeaderPrefix = "# metric-collector snapshot sha256=";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task WriteAsync(string path, SnapshotDocument snapshot, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(snapshot, Json);
        byte[] header = Encoding.ASCII.GetBytes(HeaderPrefix + Convert.ToHexStringLower(SHA256.HashData(json)) + "\n");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                await file.WriteAsync(json, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // A partial file (a full disk) would hold the volume's last free space until the next write succeeds.
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own failure is the one reported.
        }
    }

    /// <summary>Reads a snapshot; null when there is none; throws <see cref="InvalidDataException"/> when it is torn or corrupt.</summary>
    public static async Task<SnapshotDocument?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        int newline = Array.IndexOf(content, (byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException("the header line is missing (the file is torn or not a snapshot).");
        }

        string header = Encoding.ASCII.GetString(content, 0, newline);
        if (!header.StartsWith(HeaderPrefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException("the header line is not a snapshot header.");
        }

        var json = content.AsMemory(newline + 1);
        string expected = header[HeaderPrefix.Length..];
        if (!string.Equals(expected, Convert.ToHexStringLower(SHA256.HashData(json.Span)), StringComparison.Ordinal))
        {
            throw new InvalidDataException("the checksum does not match the content (the file is torn or was changed).");
        }

        SnapshotDocument? snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize<SnapshotDocument>(json.Span, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("the content is not a snapshot: " + ex.Message, ex);
        }

        if (snapshot is null || snapshot.Version != SnapshotDocument.CurrentVersion || snapshot.Metrics is null)
        {
            throw new InvalidDataException($"the snapshot's version is {snapshot?.Version}; this gateway reads version {SnapshotDocument.CurrentVersion}.");
        }

        return snapshot;
    }
}
