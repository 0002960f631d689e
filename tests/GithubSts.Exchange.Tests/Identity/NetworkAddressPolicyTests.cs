using System.Net;
using System.Net.Sockets;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>The metadata client's connect-time address filter (security.md §2.C SSRF, §5.D D07 DNS rebinding).</summary>
public sealed class NetworkAddressPolicyTests : IdentityTestBase
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.192")]
    [InlineData("192.0.2.1")]
    [InlineData("192.168.1.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    [InlineData("224.0.0.1")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("168.63.129.16")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001::1")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void Non_public_addresses_are_refused(string address)
    {
        Assert.False(NetworkAddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("140.82.112.3")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.True(NetworkAddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task Loopback_literal_reaches_the_loopback_issuer()
    {
        using var http = OidcMetadataCache.CreateHttpClient(new OidcValidationOptions());
        using var response = await http.GetAsync(new Uri(Idp.JwksUri));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Other_loopback_address_literal_is_refused_before_connecting()
    {
        using var http = OidcMetadataCache.CreateHttpClient(new OidcValidationOptions());
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.2:{Idp.BaseAddress.Port}/jwks")));
        Assert.Contains("non-public", Describe(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task D07_public_looking_name_resolving_to_a_private_address_is_refused_at_connect()
    {
        // The machine's own host name resolves to a loopback or private address on ordinary hosts and CI runners.
        var name = Dns.GetHostName();
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(name);
        }
        catch (SocketException)
        {
            return; // The host name does not resolve here: nothing to rebind to.
        }

        if (addresses.Length == 0 || addresses.Any(NetworkAddressPolicy.IsPublic) || IssuerUrl.IsLoopbackLiteral(name))
        {
            return;
        }

        using var http = OidcMetadataCache.CreateHttpClient(new OidcValidationOptions());
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://{name}:{Idp.BaseAddress.Port}/jwks")));
        Assert.Contains("non-public", Describe(failure), StringComparison.Ordinal);
        Assert.Equal(0, Idp.TotalRequests);
    }

    [Fact]
    public async Task Private_addresses_are_reachable_when_explicitly_allowed()
    {
        var name = Dns.GetHostName();
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(name);
        }
        catch (SocketException)
        {
            return;
        }

        if (!addresses.All(IPAddress.IsLoopback) || addresses.Length == 0)
        {
            return; // Only meaningful where the host name maps to loopback, where the fake issuer listens.
        }

        using var http = OidcMetadataCache.CreateHttpClient(new OidcValidationOptions { AllowPrivateNetworkAddresses = true });
        using var response = await http.GetAsync(new Uri($"http://{name}:{Idp.BaseAddress.Port}/jwks"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Describe(Exception failure)
    {
        var text = string.Empty;
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            text += e.Message + "\n";
        }

        return text;
    }
}
