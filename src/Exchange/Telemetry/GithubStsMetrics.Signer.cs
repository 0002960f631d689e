using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.Telemetry;

public sealed partial class GithubStsMetrics
{
    internal const string SignerOk = "ok";

    /// <summary>The results <see cref="SignerCall"/> is called with.</summary>
    internal static readonly string[] SignerResults = [SignerOk, "unavailable", "access_denied"];

    internal static string SignerResultFor(AppSignerFailure failure) =>
        failure == AppSignerFailure.AccessDenied ? "access_denied" : "unavailable";

    /// <summary>One signing call to an external signer: about one per App-JWT lifetime, so a rate well above that is a bug.</summary>
    /// <param name="app">A configured App name.</param>
    /// <param name="result"><c>ok</c>, <c>unavailable</c> or <c>access_denied</c>.</param>
    public void SignerCall(string app, string result) =>
        _signerCalls.Add(1, new KeyValuePair<string, object?>("app", app), new("result", result));

    private void StartSignerSeriesAtZero(IEnumerable<string> signerAppNames)
    {
        foreach (var app in signerAppNames)
        {
            foreach (var result in SignerResults)
            {
                _signerCalls.Add(0, new KeyValuePair<string, object?>("app", app), new("result", result));
            }
        }
    }
}
