using System.Text;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// The keys of one pinned issuer, as an immutable <see cref="IssuerMetadata"/> swapped atomically. Inline keys never
/// change. File keys are read again when the file's directory changes (a mounted ConfigMap or Secret is updated by
/// swapping its <c>..data</c> symlink, which a watcher on the file alone would miss) and on a polling timer as a
/// fallback (watchers drop events on some file systems). A reload that fails keeps the previous keys.
/// </summary>
internal sealed partial class PinnedKeySource : IDisposable
{
    /// <summary>Far above any real JWKS; a larger file is a mistake, not keys.</summary>
    internal const int MaxFileBytes = 1024 * 1024;

    private readonly PinnedIssuer issuer;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock reloadGate = new();
    private readonly FileSystemWatcher? watcher;
    private readonly ITimer? poll;
    private IssuerMetadata current;
    private byte[] lastContent = [];

    /// <exception cref="InvalidOperationException">The initial keys cannot be read (a start-up error).</exception>
    public PinnedKeySource(PinnedIssuer issuer, TimeSpan pollInterval, TimeProvider time, ILogger logger)
    {
        this.issuer = issuer;
        this.time = time;
        this.logger = logger;
        if (issuer.JwksFile is null)
        {
            current = Load(Encoding.UTF8.GetBytes(issuer.Jwks ?? string.Empty));
            return;
        }

        try
        {
            lastContent = ReadFile(issuer.JwksFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The JWKS file cannot be read: {e.Message}", e);
        }

        current = Load(lastContent);
        var directory = Path.GetDirectoryName(Path.GetFullPath(issuer.JwksFile))!;
        watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Reload();
        watcher.Created += (_, _) => Reload();
        watcher.Deleted += (_, _) => Reload();
        watcher.Renamed += (_, _) => Reload();
        watcher.Error += (_, _) => Reload();
        watcher.EnableRaisingEvents = true;
        poll = time.CreateTimer(_ => Reload(), null, pollInterval, pollInterval);
    }

    public string Issuer => issuer.Issuer;

    /// <summary>The current keys: a snapshot that never changes once published.</summary>
    public IssuerMetadata Current => Volatile.Read(ref current);

    public void Dispose()
    {
        watcher?.Dispose();
        poll?.Dispose();
    }

    /// <summary>Reads the file again; new content that parses replaces the keys, anything else keeps them.</summary>
    internal void Reload()
    {
        lock (reloadGate)
        {
            byte[] content;
            try
            {
                content = ReadFile(issuer.JwksFile!);
            }
#pragma warning disable CA1031 // A watcher or timer callback must never throw: a failed read keeps the keys.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReloadFailed(issuer.Issuer, issuer.JwksFile!, e.Message);
                return;
            }

            if (content.AsSpan().SequenceEqual(lastContent))
            {
                return; // Unchanged (most events and every idle poll).
            }

            lastContent = content;
            try
            {
                var loaded = Load(content);
                Volatile.Write(ref current, loaded);
                LogReloaded(issuer.Issuer, issuer.JwksFile!, loaded.KeyCount);
            }
            catch (InvalidOperationException e)
            {
                LogReloadFailed(issuer.Issuer, issuer.JwksFile!, e.Message);
            }
        }
    }

    private static byte[] ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxFileBytes)
        {
            throw new InvalidOperationException($"The JWKS file is larger than {MaxFileBytes} bytes.");
        }

        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private IssuerMetadata Load(byte[] utf8)
    {
        try
        {
            var keys = JsonWebKeySetReader.ReadPinned(utf8);
            return new IssuerMetadata(issuer.Issuer, issuer.JwksFile ?? "(inline)", issuer.AllowedAlgorithms, keys, time.GetUtcNow());
        }
        catch (MetadataFetchException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
