using System.Diagnostics;

namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// One span per exchange step. A span carries only the step's name and, when the step ended the exchange, its fixed
/// result and reason codes: never a token, subject, claim value, scope or identity (spans leave the process, and a
/// trace backend is not where secrets or personal data belong). The exception message is not recorded either, since
/// log details name subjects and policies.
/// </summary>
public static class ExchangeTracing
{
    public const string SourceName = "GithubSts.Exchange";

    public const string ResultAttribute = "githubsts.result";

    public const string ReasonAttribute = "githubsts.reason";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span name of a step: its type name without the <c>Step</c> suffix (<c>ValidateToken</c>…).</summary>
    public static string SpanName(IExchangeStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var name = step.GetType().Name;
        return name.EndsWith("Step", StringComparison.Ordinal) && name.Length > 4 ? name[..^4] : name;
    }

    /// <summary>Marks <paramref name="activity"/> as the step that ended the exchange.</summary>
    public static void Failed(Activity? activity, ExchangeException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(ResultAttribute, ExchangeResults.NameOf(error.Kind));
        activity.SetTag(ReasonAttribute, error.ReasonCode);
        activity.SetStatus(ActivityStatusCode.Error);
    }
}
