using System.Runtime.InteropServices;
using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Operator.Authentication;

/// <summary>An immutable snapshot of the local cluster's service-account issuer and its usable signing keys.</summary>
internal sealed class ClusterIssuerMetadata
{
    public const int MaxIssuerLength = 2048;

    /// <summary>What the API server signs service-account tokens with: RS256, or ES256 for an EC signing key.</summary>
    public const JwsAlgorithm AcceptedAlgorithms = JwsAlgorithm.RS256 | JwsAlgorithm.ES256;

    private readonly SigningKeySet keySet;

    private ClusterIssuerMetadata(string issuer, JwsAlgorithm algorithms, IReadOnlyList<SigningKey> keys, DateTimeOffset fetchedAt)
    {
        Issuer = issuer;
        Algorithms = algorithms;
        FetchedAt = fetchedAt;
        KeyCount = keys.Count;
        keySet = new SigningKeySet(keys);
    }

    /// <summary>The discovery document's <c>issuer</c>: the exact <c>iss</c> of this cluster's tokens.</summary>
    public string Issuer { get; }

    /// <summary><c>id_token_signing_alg_values_supported</c> ∩ {RS256, ES256}; RS256 when the member is absent.</summary>
    public JwsAlgorithm Algorithms { get; }

    public DateTimeOffset FetchedAt { get; }

    public int KeyCount { get; }

    /// <summary>A kid selects exactly one key; without a kid, only a single-key set selects its key.</summary>
    public SigningKey? FindKey(string? kid) => keySet.Find(kid);

    /// <summary>Reads the two documents the API server serves. Never looks at <c>jwks_uri</c>.</summary>
    /// <exception cref="MetadataFetchException">A document breaks a rule or holds no usable key (fixed-text message).</exception>
    public static ClusterIssuerMetadata Read(JsonDocument discovery, JsonDocument jwks, DateTimeOffset fetchedAt)
    {
        var root = discovery.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The cluster's discovery document is not a JSON object.");
        }

        if (!root.TryGetProperty("issuer", out var issuerElement) || issuerElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid("The cluster's discovery document has no issuer.");
        }

        var issuer = issuerElement.GetString()!;
        if (!IsAcceptableIssuer(issuer))
        {
            throw Invalid("The cluster's discovery issuer is empty, too long, not printable ASCII, or the legacy issuer.");
        }

        // The JWKS reader re-parses strictly (no duplicate members), so hand it the exact bytes the API server sent.
        var keys = JsonWebKeySetReader.Read(JsonMarshal.GetRawUtf8Value(jwks.RootElement).ToArray());
        return new ClusterIssuerMetadata(issuer, ReadAlgorithms(root), keys, fetchedAt);
    }

    private static bool IsAcceptableIssuer(string issuer)
    {
        if (issuer.Length is 0 or > MaxIssuerLength || string.Equals(issuer, KubernetesTokenValidator.LegacyIssuer, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in issuer)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static JwsAlgorithm ReadAlgorithms(JsonElement root)
    {
        if (!root.TryGetProperty("id_token_signing_alg_values_supported", out var values))
        {
            return JwsAlgorithm.RS256;
        }

        if (values.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("The cluster's signing algorithm list is not an array.");
        }

        var algorithms = JwsAlgorithm.None;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                algorithms |= JwsAlgorithms.Parse(value.GetString()) & AcceptedAlgorithms;
            }
        }

        return algorithms != JwsAlgorithm.None
            ? algorithms
            : throw Invalid("The cluster lists no accepted signing algorithm (RS256 or ES256).");
    }

    private static MetadataFetchException Invalid(string message) => new(true, message);
}
