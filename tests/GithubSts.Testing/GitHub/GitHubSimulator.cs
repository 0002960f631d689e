using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.Testing.GitHub;

/// <summary>
/// A GitHub REST API over real HTTP on loopback: App JWT verification, installations, token mint and revocation,
/// repository contents, plus fault injection and records of what clients sent.
/// </summary>
/// <remarks>Owner and repository names match case-insensitively, like GitHub; file paths are case-sensitive.</remarks>
public sealed partial class GitHubSimulator : IAsyncDisposable
{
    public const string DefaultBranch = "main";

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<long, SimulatedApp> _apps = [];
    private readonly Dictionary<long, SimulatedInstallation> _installations = [];
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<FileKey, string> _files = [];
    private long _nextInstallationId = 40_000;
    private WebApplication? _host;

    private GitHubSimulator(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The API root, always ending with '/', e.g. http://127.0.0.1:5123/ or http://127.0.0.1:5123/api/v3/.</summary>
    public Uri ApiUrl { get; private set; } = null!;

    /// <summary>Starts the simulator on 127.0.0.1 on a free port.</summary>
    /// <param name="pathBase">A prefix such as "/api/v3" to mimic GitHub Enterprise Server; requests without it get 404.</param>
    /// <param name="time">Clock for JWT checks and token expiry; real time by default.</param>
    public static async Task<GitHubSimulator> StartAsync(string pathBase = "", TimeProvider? time = null, CancellationToken ct = default)
    {
        var simulator = new GitHubSimulator(time ?? TimeProvider.System);
        // No appsettings watcher: each one takes an inotify instance (128 per user by default), and a run starts
        // a hundred issuers.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        simulator.MapRoutes(app, pathBase.TrimEnd('/'));
        await app.StartAsync(ct);
        simulator._host = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.ApiUrl = new Uri(address.TrimEnd('/') + pathBase.TrimEnd('/') + "/");
        return simulator;
    }

    /// <summary>Registers an App; its JWTs must be RS256-signed by the matching private key.</summary>
    /// <param name="publicKey">Only the public half is used (a private key is accepted and copied).</param>
    public void AddApp(long appId, string slug, RSA publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var copy = RSA.Create();
        copy.ImportParameters(publicKey.ExportParameters(includePrivateParameters: false));
        lock (_gate)
        {
            if (_apps.Remove(appId, out var previous))
            {
                previous.Dispose();
            }

            _apps[appId] = new SimulatedApp(appId, slug, copy);
        }
    }

    /// <summary>Installs an App on an account and returns the installation id.</summary>
    /// <param name="accountType">"Organization" or "User".</param>
    /// <param name="permissions">The ceiling: what tokens for this installation may be granted at most.</param>
    /// <param name="repositorySelection">What a token minted without a repository list reports: "all" or "selected".</param>
    public long AddInstallation(
        long appId,
        string accountLogin,
        string accountType,
        IEnumerable<string> repositories,
        IReadOnlyDictionary<string, string> permissions,
        string repositorySelection = "all")
    {
        ArgumentNullException.ThrowIfNull(repositories);
        ArgumentNullException.ThrowIfNull(permissions);
        if (accountType is not ("Organization" or "User"))
        {
            throw new ArgumentException("The account type must be \"Organization\" or \"User\".", nameof(accountType));
        }

        lock (_gate)
        {
            if (!_apps.ContainsKey(appId))
            {
                throw new InvalidOperationException($"App {appId} is not registered.");
            }

            var id = ++_nextInstallationId;
            _installations[id] = new SimulatedInstallation(
                id, appId, accountLogin, accountType, [.. repositories],
                new Dictionary<string, string>(permissions, StringComparer.Ordinal), repositorySelection);
            return id;
        }
    }

    /// <summary>Uninstalls: lookups and mints for it answer 404 from now on.</summary>
    public void RemoveInstallation(long installationId)
    {
        lock (_gate)
        {
            _installations.Remove(installationId);
        }
    }

    /// <summary>Creates or replaces a file; <paramref name="branch"/> null means the default branch.</summary>
    public void SetFile(string owner, string repository, string path, string content, string? branch = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            _files[new FileKey(owner, repository, branch ?? DefaultBranch, path)] = content;
        }
    }

    public void DeleteFile(string owner, string repository, string path, string? branch = null)
    {
        lock (_gate)
        {
            _files.Remove(new FileKey(owner, repository, branch ?? DefaultBranch, path));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        lock (_gate)
        {
            foreach (var app in _apps.Values)
            {
                app.Dispose();
            }
        }
    }

    private SimulatedApp? FindApp(long appId)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(appId);
        }
    }

    /// <summary>Owner and repository compare case-insensitively, like GitHub; the path does not.</summary>
    private readonly record struct FileKey
    {
        public FileKey(string owner, string repository, string branch, string path)
        {
            Owner = owner.ToUpperInvariant();
            Repository = repository.ToUpperInvariant();
            Branch = branch;
            Path = path;
        }

        public string Owner { get; }

        public string Repository { get; }

        public string Branch { get; }

        public string Path { get; }
    }
}
