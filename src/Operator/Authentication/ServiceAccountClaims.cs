using System.Text.Json;
using GithubSts.Exchange.Identity;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// The private <c>kubernetes.io</c> claim of a projected service-account token (kubernetes <c>pkg/serviceaccount/claims.go</c>):
/// <c>{"namespace":…,"serviceaccount":{"name":…,"uid":…},"pod":{"name":…,"uid":…}}</c>, with <c>pod</c> only on pod-bound
/// tokens. Names are checked against the Kubernetes naming rules, so the <c>sub</c> built from them is unambiguous.
/// </summary>
internal sealed record ServiceAccountClaims(string Namespace, string ServiceAccountName, string ServiceAccountUid, string? PodName, string? PodUid)
{
    public const string ClaimName = "kubernetes.io";
    public const string SubjectPrefix = "system:serviceaccount:";
    public const int MaxUidLength = 128;

    public bool IsPodBound => PodUid is not null;

    /// <summary>The <c>sub</c> the API server puts in this service account's tokens and returns as the TokenReview username.</summary>
    public string ExpectedSubject => SubjectPrefix + Namespace + ":" + ServiceAccountName;

    /// <exception cref="TokenRejectedException">The claim is missing or malformed (<see cref="TokenRejectionReason.InvalidClaim"/>).</exception>
    public static ServiceAccountClaims Read(JsonElement payload)
    {
        if (!payload.TryGetProperty(ClaimName, out var kubernetes) || kubernetes.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The token has no kubernetes.io object claim (legacy or not a service-account token).");
        }

        var ns = RequiredString(kubernetes, "namespace", "kubernetes.io.namespace");
        if (!IsDnsLabel(ns))
        {
            throw Invalid("The kubernetes.io.namespace claim is not a valid namespace name.");
        }

        if (!kubernetes.TryGetProperty("serviceaccount", out var serviceAccount) || serviceAccount.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The kubernetes.io.serviceaccount claim is missing or not an object.");
        }

        var name = RequiredString(serviceAccount, "name", "kubernetes.io.serviceaccount.name");
        if (!IsDnsSubdomain(name))
        {
            throw Invalid("The kubernetes.io.serviceaccount.name claim is not a valid service-account name.");
        }

        var uid = RequiredUid(serviceAccount, "kubernetes.io.serviceaccount.uid");

        string? podName = null;
        string? podUid = null;
        if (kubernetes.TryGetProperty("pod", out var pod))
        {
            if (pod.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("The kubernetes.io.pod claim is not an object.");
            }

            podName = RequiredString(pod, "name", "kubernetes.io.pod.name");
            if (!IsDnsSubdomain(podName))
            {
                throw Invalid("The kubernetes.io.pod.name claim is not a valid pod name.");
            }

            podUid = RequiredUid(pod, "kubernetes.io.pod.uid");
        }

        return new ServiceAccountClaims(ns, name, uid, podName, podUid);
    }

    private static string RequiredString(JsonElement obj, string member, string path) =>
        obj.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid($"The {path} claim is missing or not a non-empty string.");

    /// <summary>Object UIDs are UUIDs; anything short and printable is accepted, as it is only compared and logged.</summary>
    private static string RequiredUid(JsonElement obj, string path)
    {
        var uid = RequiredString(obj, "uid", path);
        if (uid.Length > MaxUidLength)
        {
            throw Invalid($"The {path} claim is too long.");
        }

        foreach (var c in uid)
        {
            if (c is < '!' or > '~')
            {
                throw Invalid($"The {path} claim is not printable ASCII.");
            }
        }

        return uid;
    }

    /// <summary>RFC 1123 label: at most 63 of <c>[a-z0-9-]</c>, starting and ending alphanumeric (namespace names).</summary>
    internal static bool IsDnsLabel(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > 63 || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 1123 subdomain: at most 253 characters of dot-separated labels (service-account and pod names).</summary>
    internal static bool IsDnsSubdomain(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in value.AsSpan().Split('.'))
        {
            if (!IsDnsLabel(value.AsSpan(range)))
            {
                return false;
            }
        }

        return true;
    }

    private static TokenRejectedException Invalid(string message) => new(TokenRejectionReason.InvalidClaim, message);
}
