namespace GithubSts.Testing.Kubernetes;

/// <summary>
/// An xunit class/collection fixture owning one <see cref="KubeApiServer"/> (start-up costs seconds and the suite
/// runs on two cores: share it). Does nothing when the components are missing; tests marked
/// <see cref="KubernetesFactAttribute"/> are skipped then. Derive and override <see cref="Options"/> for other flags.
/// </summary>
public class KubeApiServerFixture : Xunit.IAsyncLifetime
{
    private KubeApiServer? _server;

    /// <summary>The running server.</summary>
    public KubeApiServer Server =>
        _server ?? throw new InvalidOperationException(KubeApiServer.MissingComponentsReason ?? "The API server fixture has not started.");

    protected virtual KubeApiServerOptions Options => new();

    public async Task InitializeAsync()
    {
        if (KubeApiServer.MissingComponentsReason is null)
        {
            _server = await KubeApiServer.StartAsync(Options);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}
