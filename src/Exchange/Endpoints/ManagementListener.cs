using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GithubSts.Exchange.Endpoints;

/// <summary>Marks an endpoint that answers on the management listener only.</summary>
public sealed class ManagementEndpointMetadata
{
    public static readonly ManagementEndpointMetadata Instance = new();

    private ManagementEndpointMetadata()
    {
    }
}

/// <summary>
/// Which connections arrived on the management listener, told by the local port they were accepted on (the Host
/// header is the caller's to choose, so it is never consulted). Until the bound ports are known no connection is
/// a management one: operational endpoints then answer nowhere rather than on the public listener.
/// </summary>
public sealed class ManagementListener
{
    private volatile FrozenSet<int> _ports = FrozenSet<int>.Empty;

    /// <summary>The management listener's bound ports (empty until the server has started).</summary>
    public IReadOnlySet<int> Ports => _ports;

    /// <summary>The addresses the management listener is bound to (for logs and tests).</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>
    /// Records the management addresses, the last <paramref name="managementCount"/> of the server's bound addresses
    /// (Kestrel binds the configured URLs in order and reports one address per URL). Throws when a public address
    /// shares a port with a management one: the two could then not be told apart.
    /// </summary>
    public void Bind(IReadOnlyList<string> boundAddresses, int managementCount)
    {
        if (boundAddresses.Count <= managementCount)
        {
            throw new InvalidOperationException(
                $"expected public and {managementCount} management address(es), the server bound {string.Join(", ", boundAddresses)}");
        }

        var management = boundAddresses.Skip(boundAddresses.Count - managementCount).ToList();
        var ports = management.Select(Port).ToFrozenSet();
        var shared = boundAddresses.Take(boundAddresses.Count - managementCount).Select(Port).Where(ports.Contains).ToList();
        if (shared.Count > 0)
        {
            throw new InvalidOperationException($"the public and management listeners share port {shared[0]}");
        }

        Addresses = management;
        _ports = ports;
    }

    public bool Serves(HttpContext http) => _ports.Contains(http.Connection.LocalPort);

    private static int Port(string address) => BindingAddress.Parse(address).Port;
}

public static class ManagementListenerMiddleware
{
    /// <summary>
    /// Operational endpoints answer only on the management listener, and the exchange endpoints only on the public one;
    /// anywhere else the request is answered exactly like an unknown path (404, counted as unmatched).
    /// </summary>
    public static IApplicationBuilder UseGithubStsManagementSeparation(this IApplicationBuilder app, ManagementListener listener) =>
        app.Use((http, next) =>
        {
            var endpoint = http.GetEndpoint();
            if (endpoint is null)
            {
                return next(http);
            }

            var managementEndpoint = endpoint.Metadata.GetMetadata<ManagementEndpointMetadata>() is not null;
            if (managementEndpoint == listener.Serves(http))
            {
                return next(http);
            }

            http.SetEndpoint(null);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
}
