using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// A minimal Kubernetes REST client: typed get/list/create/replace/patch/delete, watch streams and raw JSON reads.
/// Thread-safe; create one per API server and dispose it with the host. Every failure is a
/// <see cref="KubernetesApiException"/> (typed by status; <see cref="KubernetesUnavailableException"/> when no answer
/// arrived); caller cancellation surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class KubernetesApiClient : IDisposable
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int Max429Retries = 2;
    private const string JsonAccept = "application/json";

    // /openid/v1/jwks answers only to application/jwk-set+json.
    private const string RawJsonAccept = "application/json, application/jwk-set+json, */*;q=0.5";
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WatchClientGrace = TimeSpan.FromSeconds(30);
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly KubernetesClientConfiguration _config;
    private readonly ILogger<KubernetesApiClient> _logger;
    private readonly TimeProvider _time;
    private readonly k8s.Kubernetes _library;
    private readonly HttpClient _http;
    private readonly string _baseAddress;

    public KubernetesApiClient(KubernetesClientConfiguration config, ILogger<KubernetesApiClient> logger)
        : this(config, logger, TimeProvider.System)
    {
    }

    public KubernetesApiClient(KubernetesClientConfiguration config, ILogger<KubernetesApiClient> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _config = config;
        _logger = logger;
        _time = time;
        _baseAddress = config.Server.GetLeftPart(UriPartial.Path).TrimEnd('/');

        // The library's HttpClient has no client-wide timeout (ours are per call, never on watches).
        _library = KubernetesHttpPipeline.Create(config);
        _http = _library.HttpClient;
    }

    /// <summary>The serializer settings for Kubernetes payloads (same instance as <see cref="KubernetesJson.Options"/>).</summary>
    public static JsonSerializerOptions JsonOptions => KubernetesJson.Options;

    public KubernetesClientConfiguration Configuration => _config;

    public Task<T> GetAsync<T>(ResourceType type, string? ns, string name, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        return SendForObjectAsync<T>(type, "get", HttpMethod.Get, type.ItemPath(ns, name), null, null, ct);
    }

    /// <summary>One page (or all, without <see cref="ListOptions.Limit"/>); items get kind/apiVersion filled in.</summary>
    public async Task<KubernetesList<T>> ListAsync<T>(ResourceType type, string? ns, ListOptions? options, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        var query = new QueryBuilder()
            .Add("labelSelector", options?.LabelSelector)
            .Add("fieldSelector", options?.FieldSelector)
            .Add("resourceVersion", options?.ResourceVersion)
            .Add("resourceVersionMatch", options?.ResourceVersionMatch)
            .Add("limit", options?.Limit?.ToString(CultureInfo.InvariantCulture))
            .Add("continue", options?.Continue);
        var list = await SendForJsonAsync<KubernetesList<T>>("list", HttpMethod.Get, type.CollectionPath(ns) + query, null, null, ct);
        foreach (var item in list.Items)
        {
            Stamp(type, item);
        }

        return list;
    }

    /// <summary>
    /// Watches a collection. Ends when the server closes the stream (its <c>timeoutSeconds</c>, or a restart) or
    /// 30 s after <c>timeoutSeconds</c>. ERROR lines are yielded (with <see cref="WatchEvent{T}.Status"/>), not thrown;
    /// a 410 answer to the request itself throws <see cref="KubernetesGoneException"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        ResourceType type, string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var query = new QueryBuilder()
            .Add("watch", "true")
            .Add("resourceVersion", options.ResourceVersion)
            .Add("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null)
            .Add("timeoutSeconds", options.TimeoutSeconds?.ToString(CultureInfo.InvariantCulture))
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector);
        var path = type.CollectionPath(ns) + query;

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.TimeoutSeconds is { } seconds)
        {
            lifetime.CancelAfter(TimeSpan.FromSeconds(seconds) + WatchClientGrace);
        }

        using var response = await SendAsync("watch", HttpMethod.Get, path, null, null, JsonAccept, timeout: null, ct, lifetime.Token);
        LogWatchStarted(path, response.Version);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(lifetime.Token);
        }
        catch (Exception ex) when (IsTransport(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw Unavailable("watch", ex);
        }

        await using (stream)
        await using (var reader = new WatchStreamReader<T>(stream))
        {
            while (true)
            {
                WatchEvent<T>? next;
                try
                {
                    next = await reader.ReadAsync(lifetime.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Our own deadline: end like a server-side close; the caller re-watches.
                    LogWatchDeadline(path);
                    yield break;
                }
                catch (Exception ex) when (IsTransport(ex))
                {
                    throw Unavailable("watch", ex);
                }

                if (next is not { } watchEvent)
                {
                    yield break;
                }

                if (watchEvent.Object is { } obj)
                {
                    Stamp(type, obj);
                }

                yield return watchEvent;
            }
        }
    }

    /// <summary>POST to the collection.</summary>
    public Task<T> CreateAsync<T>(ResourceType type, string? ns, T obj, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        Stamp(type, obj);
        return SendForObjectAsync<T>(type, "create", HttpMethod.Post, type.CollectionPath(ns), Serialize(obj), JsonContentType, ct);
    }

    /// <summary>
    /// PUT the whole object. <c>metadata.resourceVersion</c> must be set: a stale one fails with
    /// <see cref="KubernetesConflictException"/> (optimistic concurrency). Fields the model does not know are lost,
    /// so use it only for fully modelled types.
    /// </summary>
    public Task<T> ReplaceAsync<T>(ResourceType type, string? ns, T obj, CancellationToken ct)
        where T : KubernetesObject => Replace(type, ns, obj, subresource: null, ct);

    /// <summary>PUT to the <c>status</c> subresource (same concurrency rules as <see cref="ReplaceAsync{T}"/>).</summary>
    public Task<T> ReplaceStatusAsync<T>(ResourceType type, string? ns, T obj, CancellationToken ct)
        where T : KubernetesObject => Replace(type, ns, obj, subresource: "status", ct);

    /// <summary>
    /// JSON merge patch (RFC 7386; lists are replaced whole). Put <c>metadata.resourceVersion</c> into the patch for
    /// optimistic concurrency. With <paramref name="statusSubresource"/> the patch goes to <c>…/status</c>.
    /// </summary>
    public Task<T> PatchMergeAsync<T>(ResourceType type, string? ns, string name, JsonNode patch, bool statusSubresource, CancellationToken ct)
        where T : KubernetesObject => Patch<T>(type, ns, name, patch, "application/merge-patch+json", statusSubresource, null, ct);

    /// <summary>JSON patch (RFC 6902), e.g. <c>test</c> + <c>remove</c> of one finalizer.</summary>
    public Task<T> PatchJsonAsync<T>(ResourceType type, string? ns, string name, JsonArray operations, bool statusSubresource, CancellationToken ct)
        where T : KubernetesObject => Patch<T>(type, ns, name, operations, "application/json-patch+json", statusSubresource, null, ct);

    /// <summary>
    /// Server-side apply: <paramref name="configuration"/> is a partial object (apiVersion, kind, metadata.name and
    /// only the owned fields) applied as <paramref name="fieldManager"/>, with <c>force</c> when
    /// <paramref name="force"/>.
    /// </summary>
    public Task<T> ApplyAsync<T>(
        ResourceType type, string? ns, string name, JsonNode configuration, string fieldManager, bool force, bool statusSubresource, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        var query = new QueryBuilder().Add("fieldManager", fieldManager).Add("force", force ? "true" : null).ToString();
        return Patch<T>(type, ns, name, configuration, "application/apply-patch+yaml", statusSubresource, query, ct);
    }

    public Task DeleteAsync(ResourceType type, string? ns, string name, CancellationToken ct) => DeleteAsync(type, ns, name, null, ct);

    /// <summary>DELETE; with <paramref name="options"/> (propagation policy, uid/resourceVersion preconditions).</summary>
    public async Task DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        var body = options is null ? null : Serialize(options);
        using var response = await SendAsync(
            "delete", HttpMethod.Delete, type.ItemPath(ns, name), body, body is null ? null : JsonContentType, JsonAccept, _config.RequestTimeout, ct, ct);
    }

    /// <summary>GET any path of the API server as JSON, e.g. <c>/.well-known/openid-configuration</c>, <c>/openid/v1/jwks</c>, <c>/version</c>.</summary>
    public Task<JsonDocument> GetRawJsonAsync(string absolutePath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(absolutePath);
        if (!absolutePath.StartsWith('/'))
        {
            throw new ArgumentException("The path must start with '/'.", nameof(absolutePath));
        }

        return SendForJsonAsync<JsonDocument>("get", HttpMethod.Get, absolutePath, null, null, RawJsonAccept, ct);
    }

    public void Dispose() => _library.Dispose();

    private Task<T> Replace<T>(ResourceType type, string? ns, T obj, string? subresource, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name ?? throw new ArgumentException("metadata.name is required.", nameof(obj));
        Stamp(type, obj);
        return SendForObjectAsync<T>(type, "replace", HttpMethod.Put, type.ItemPath(ns, name, subresource), Serialize(obj), JsonContentType, ct);
    }

    private Task<T> Patch<T>(
        ResourceType type, string? ns, string name, JsonNode patch, string contentType, bool statusSubresource, string? query, CancellationToken ct)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(patch);
        var body = Encoding.UTF8.GetBytes(patch.ToJsonString());
        var path = type.ItemPath(ns, name, statusSubresource ? "status" : null) + query;
        return SendForObjectAsync<T>(type, "patch", HttpMethod.Patch, path, body, new MediaTypeHeaderValue(contentType), ct);
    }

    private async Task<T> SendForObjectAsync<T>(
        ResourceType type, string operation, HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? contentType, CancellationToken ct)
        where T : KubernetesObject
    {
        var result = await SendForJsonAsync<T>(operation, method, path, body, contentType, ct);
        Stamp(type, result);
        return result;
    }

    private Task<T> SendForJsonAsync<T>(
        string operation, HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? contentType, CancellationToken ct) =>
        SendForJsonAsync<T>(operation, method, path, body, contentType, JsonAccept, ct);

    private async Task<T> SendForJsonAsync<T>(
        string operation, HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? contentType, string accept, CancellationToken ct)
    {
        // One deadline for sending and reading.
        using var timeout = new CancellationTokenSource(_config.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var response = await SendAsync(operation, method, path, body, contentType, accept, timeout: null, ct, linked.Token);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            return await JsonSerializer.DeserializeAsync<T>(stream, KubernetesJson.Options, linked.Token)
                ?? throw new KubernetesUnavailableException($"Kubernetes {operation} returned an empty body.");
        }
        catch (JsonException ex)
        {
            throw new KubernetesUnavailableException($"Kubernetes {operation} returned a malformed body.", ex);
        }
        catch (Exception ex) when (IsTransport(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw Unavailable(operation, ex);
        }
    }

    /// <summary>
    /// Sends (the pipeline adds credentials); honours short 429 Retry-After. No retry after a 401: the library re-reads
    /// token files every minute and kubelet rotates them long before the old token expires.
    /// <paramref name="caller"/> is the caller's token (its cancellation is not a failure); <paramref name="ct"/> may
    /// add deadlines to it.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        string operation, HttpMethod method, string path, byte[]? body, MediaTypeHeaderValue? contentType, string accept, TimeSpan? timeout,
        CancellationToken caller, CancellationToken ct)
    {
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t, _time) : null;
        using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        var token = linked?.Token ?? ct;
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(method, _baseAddress + path)
                {
                    // HTTP/2 when the server offers it (ALPN): watches multiplex on one connection, and keep-alive
                    // pings detect dead connections.
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                };
                request.Headers.Accept.ParseAdd(accept);
                request.Headers.UserAgent.ParseAdd(_config.UserAgent);

                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = contentType;
                }

                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }
            catch (Exception ex) when (IsTransport(ex) || (ex is OperationCanceledException && !caller.IsCancellationRequested))
            {
                throw Unavailable(operation, ex);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var apiStatus = await ReadStatusAsync(response, token);
                var retryAfter = RetryAfter(response, apiStatus);
                if (status == 429 && attempt < Max429Retries && retryAfter is { } wait && wait <= MaxRetryAfter)
                {
                    LogThrottled(operation, wait.TotalSeconds);
                    await Task.Delay(wait, _time, token);
                    continue;
                }

                LogFailed(operation, method.Method, path, status, apiStatus?.Reason);
                throw KubernetesApiException.Create(status, apiStatus, retryAfter);
            }
        }
    }

    private static async Task<ApiStatus?> ReadStatusAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await ReadAtMostAsync(response.Content, MaxErrorBodyBytes, ct);
            if (bytes.Length == 0)
            {
                return null;
            }

            try
            {
                var status = JsonSerializer.Deserialize<ApiStatus>(bytes, KubernetesJson.Options);
                if (status is not null && string.Equals(status.Kind, "Status", StringComparison.Ordinal))
                {
                    return status;
                }
            }
            catch (JsonException)
            {
                // Not a Status (e.g. a proxy's HTML page): keep a short text excerpt.
            }

            var text = Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 256))).Trim();
            return new ApiStatus { Kind = "Status", Status = "Failure", Message = text, Code = (int)response.StatusCode };
        }
        catch (Exception ex) when (IsTransport(ex))
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadAtMostAsync(HttpContent content, int limit, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), ct)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, ApiStatus? status)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return status?.Details?.RetryAfterSeconds is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : null;
    }

    // SocketHttpHandler usually wraps socket errors in HttpRequestException, but not all of them (e.g. a connection reset
    // between connect and the first read surfaces as a bare SocketException).
    private static bool IsTransport(Exception ex) =>
        ex is HttpRequestException or IOException or SocketException or AuthenticationException or ObjectDisposedException;

    private KubernetesUnavailableException Unavailable(string operation, Exception ex)
    {
        var timedOut = ex is OperationCanceledException;
        LogUnavailable(ex, operation, timedOut);
        return new KubernetesUnavailableException(
            timedOut ? $"Kubernetes {operation} timed out." : $"Kubernetes {operation} failed: the API server could not be reached ({ex.Message}).", ex);
    }

    private static byte[] Serialize<TValue>(TValue value) => JsonSerializer.SerializeToUtf8Bytes(value, KubernetesJson.Options);

    private static void Stamp(ResourceType type, KubernetesObject obj)
    {
        if (string.IsNullOrEmpty(obj.ApiVersion))
        {
            obj.ApiVersion = type.ApiVersion;
        }

        if (string.IsNullOrEmpty(obj.Kind))
        {
            obj.Kind = type.Kind;
        }
    }

    private sealed class QueryBuilder
    {
        private readonly StringBuilder _query = new();

        public QueryBuilder Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                _query.Append(_query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }

            return this;
        }

        public override string ToString() => _query.ToString();

        public static implicit operator string(QueryBuilder builder) => builder.ToString();
    }
}
