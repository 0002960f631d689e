using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline;

/// <summary>Stable snake_case reason codes for logs, audit events and metric labels (a small, fixed set).</summary>
public static class ReasonCodes
{
    public const string PolicyNotFound = "policy_not_found";
    public const string AudienceNotForService = "audience_not_for_service";

    /// <summary>At mint time the policy asked for more than its App allows (the App was narrowed after the policy loaded).</summary>
    public const string PolicyExceedsApp = "policy_exceeds_app";

    /// <summary>An organization policy's <c>*</c> could not be turned into 1-500 repository names.</summary>
    public const string RepositoriesUnresolved = "repositories_unresolved";

    /// <summary>The caller went away before the mint started: nothing was minted.</summary>
    public const string AbortedBeforeMint = "aborted_before_mint";

    /// <summary>The caller went away before the minted token could be written to it: the token was revoked.</summary>
    public const string NotDelivered = "not_delivered";

    /// <summary>An RFC 8693 request with another <c>grant_type</c> (answered <c>unsupported_grant_type</c>, RFC 6749 §5.2).</summary>
    public const string UnsupportedGrantType = "unsupported_grant_type";

    /// <summary>
    /// The caller asked (<c>permissions</c>, <c>repositories</c>) for more than its policy allows: 403 (400
    /// <c>invalid_scope</c> on the RFC 8693 form), nothing minted.
    /// </summary>
    public const string RequestExceedsPolicy = "request_exceeds_policy";

    /// <summary>The body was larger than the request body cap (413).</summary>
    public const string BodyTooLarge = "body_too_large";

    public static string For(TokenRejectionReason reason) => "token_" + ToSnakeCase(reason.ToString());

    public static string For(PolicyDenialReason reason) => reason == PolicyDenialReason.AudienceNotForService
        ? AudienceNotForService
        : "policy_" + ToSnakeCase(reason.ToString());

    /// <summary><c>AccessDenied</c> → <c>access_denied</c>.</summary>
    internal static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetterUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
