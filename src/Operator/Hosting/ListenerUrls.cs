using System.Globalization;

namespace GithubSts.Operator.Hosting;

/// <summary>The public listener's URLs as ASP.NET Core would choose them, so the management URLs can be added to them.</summary>
internal static class ListenerUrls
{
    private const string KestrelDefault = "http://localhost:5000";

    /// <summary><c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), else <c>http_ports</c>/<c>https_ports</c>, else Kestrel's default.</summary>
    public static string[] Public(IConfiguration configuration)
    {
        var urls = Split(configuration["urls"]);
        if (urls.Length > 0)
        {
            return urls;
        }

        string[] ports = [
            .. Split(configuration["http_ports"]).Select(p => string.Create(CultureInfo.InvariantCulture, $"http://*:{p}")),
            .. Split(configuration["https_ports"]).Select(p => string.Create(CultureInfo.InvariantCulture, $"https://*:{p}")),
        ];
        return ports.Length > 0 ? ports : [KestrelDefault];
    }

    private static string[] Split(string? value) =>
        value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
