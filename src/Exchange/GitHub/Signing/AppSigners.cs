namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>
/// Checks and builds App signers from plain values, for the configuration file and the operator's GitHubApp alike,
/// so both accept and refuse exactly the same signers.
/// </summary>
public static class AppSigners
{
    private const int MaxKeyIdLength = 2048;
    private const int MaxRegionLength = 32;

    /// <summary>The signer kinds there are (README and the CRD's enum list the same).</summary>
    public static IReadOnlyList<string> Kinds { get; } = [AwsKmsSignerOptions.Kind];

    /// <summary>Validates a signer description.</summary>
    /// <param name="field">On failure: which of <c>kind</c>, <c>keyId</c>, <c>region</c>, <c>serviceUrl</c> is wrong.</param>
    public static bool TryParse(
        string? kind, string? keyId, string? region, string? serviceUrl,
        out AwsKmsSignerOptions options, out string field, out string problem)
    {
        options = null!;
        (field, problem) = (string.Empty, string.Empty);
        if (string.IsNullOrEmpty(kind) || !Kinds.Contains(kind, StringComparer.Ordinal))
        {
            (field, problem) = ("kind", $"must be one of: {string.Join(", ", Kinds)}");
            return false;
        }

        if (string.IsNullOrEmpty(keyId) || keyId.Length > MaxKeyIdLength || keyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            (field, problem) = ("keyId", "is required: a KMS key id, key ARN, alias/NAME or alias ARN");
            return false;
        }

        if (string.IsNullOrEmpty(region) || region.Length > MaxRegionLength || !char.IsAsciiLetterLower(region[0])
            || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            (field, problem) = ("region", "is required: an AWS region such as eu-west-1");
            return false;
        }

        Uri? url = null;
        if (!string.IsNullOrEmpty(serviceUrl) && !TryParseServiceUrl(serviceUrl, out url))
        {
            (field, problem) = ("serviceUrl", "must be an absolute https URL without credentials, query or fragment (http only for loopback)");
            return false;
        }

        options = new AwsKmsSignerOptions(keyId, region, url);
        return true;
    }

    /// <summary>Builds the signer; no network call yet (<see cref="IAppJwtSigner.VerifyAsync"/> makes the first).</summary>
    public static IAppJwtSigner Create(AwsKmsSignerOptions options) => new AwsKmsSigner(options);

    private static bool TryParseServiceUrl(string value, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        // Signing requests carry SigV4 credentials: plain http only to a local endpoint.
        var https = string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal);
        var loopbackHttp = string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) && uri.IsLoopback;
        url = uri;
        return https || loopbackHttp;
    }
}
