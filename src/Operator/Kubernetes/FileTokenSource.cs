namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// A bearer token read from a file (projected service-account token, kubeconfig <c>tokenFile</c>). The kubelet swaps the
/// file atomically, so it is re-read by path every <see cref="RefreshPeriod"/> and after a 401; a failed re-read keeps
/// the previous token.
/// </summary>
internal sealed class FileTokenSource(string path, TimeProvider time)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private string? _token;
    private long _readAt;
    private bool _stale = true;

    public string Path => path;

    public async ValueTask<string?> GetAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_stale && time.GetElapsedTime(_readAt) < RefreshPeriod)
            {
                return _token;
            }
        }

        string token;
        try
        {
            token = (await File.ReadAllTextAsync(path, ct)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            lock (_gate)
            {
                if (_token is not null)
                {
                    return _token;
                }
            }

            throw new KubernetesUnavailableException($"The token file '{path}' cannot be read.", ex);
        }

        lock (_gate)
        {
            _token = token;
            _readAt = time.GetTimestamp();
            _stale = false;
            return token;
        }
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _stale = true;
        }
    }
}
