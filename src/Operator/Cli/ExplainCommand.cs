using System.CommandLine;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Explaining;
using GithubSts.Exchange.Policies.Linting;

namespace GithubSts.Operator.Cli;

/// <summary>
/// <c>github-sts policy explain --policy FILE (--token JWT | --claims FILE.json) [--scope S] [--identity I]</c>: the
/// answer to "why was I denied?" that the server, whose denials stay generic, never gives.
/// </summary>
internal static class ExplainCommand
{
    /// <summary>The first line of every explanation: nothing here authenticates the token.</summary>
    public const string NotVerified =
        "NOTE: the token's signature is NOT verified (nor its issuer's trust, expiry or replay): this shows only how the policy judges these claims.";

    public static Command Create()
    {
        var policy = new Option<string>("--policy") { Description = "A repository policy file or a manifest with one TrustPolicy", Required = true };
        var token = new Option<string?>("--token") { Description = "The JWT (its signature is not checked); '-' reads it from standard input" };
        var claims = new Option<string?>("--claims") { Description = "A JSON file with the token's claims, instead of --token" };
        var scope = new Option<string?>("--scope") { Description = "The scope asked for: org/repo, or org" };
        var identity = new Option<string?>("--identity") { Description = "The identity asked for (a policy file's name without .sts.yaml)" };
        var audiences = new Option<string[]>("--service-audience")
        {
            Description = "The service's default audiences (sts.identifier, sts.audiences), for a policy that names no audience",
        };
        var command = new Command("explain", "Show each rule of a policy against a token's claims, and the verdict (offline)")
        {
            policy, token, claims, scope, identity, audiences,
        };
        command.SetAction(result =>
        {
            var request = new Request(
                result.GetValue(policy)!, result.GetValue(token), result.GetValue(claims), result.GetValue(scope), result.GetValue(identity),
                result.GetValue(audiences) ?? []);
            return Run(request, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
        });
        return command;
    }

    public sealed record Request(string Policy, string? Token, string? Claims, string? Scope, string? Identity, string[] ServiceAudiences);

    public static int Run(Request request, TextWriter output, TextWriter error)
    {
        if ((request.Token is null) == (request.Claims is null))
        {
            error.WriteLine("github-sts: give exactly one of --token or --claims");
            return PolicyCommands.UsageError;
        }

        if (!PolicyCommands.TryScope(request.Scope, error, out var scope))
        {
            return PolicyCommands.UsageError;
        }

        foreach (var file in new[] { request.Policy, request.Claims })
        {
            if (file is not null && !File.Exists(file))
            {
                error.WriteLine($"github-sts: '{file}' does not exist");
                return PolicyCommands.UsageError;
            }
        }

        if (!ExplainedPolicy.HoldsOneTrustPolicy(request.Policy, out var count))
        {
            error.WriteLine($"github-sts: {request.Policy} holds {count} TrustPolicies; explain takes a file with exactly one");
            return PolicyCommands.UsageError;
        }

        var findings = PolicyFiles.Lint(new PolicyFiles.Entry(request.Policy, false), scope);
        var loaded = ExplainedPolicy.Load(request.Policy, scope);

        output.WriteLine(NotVerified);
        if (loaded?.Compiled is not { } compiled)
        {
            foreach (var finding in findings.Where(f => f.Severity == LintSeverity.Error))
            {
                output.WriteLine($"✗ {finding.File}:{finding.Line}:{finding.Column}: {finding.Code}: {finding.Text}");
            }

            output.WriteLine("verdict: denied (the server would not load this policy)");
            return 1;
        }

        output.WriteLine($"policy: {request.Policy} ({loaded.Description})");
        ValidatedIdentity identity;
        try
        {
            var actionsIssuers = new GitHubActionsIssuers([GitHubActionsIssuers.GitHubCom]);
            identity = request.Token is { } jwt
                ? UnverifiedToken.FromJwt(jwt == "-" ? Console.In.ReadToEnd() : jwt, actionsIssuers)
                : UnverifiedToken.FromClaimsJson(File.ReadAllBytes(request.Claims!), actionsIssuers);
        }
        catch (TokenRejectedException e)
        {
            output.WriteLine($"✗ token: {e.Message}");
            output.WriteLine("verdict: denied (the server refuses this token before any policy)");
            return 1;
        }

        var selected = true;
        if (request.Identity is { } asked)
        {
            selected &= Step(output, "identity", asked, loaded.Identity, string.Equals(asked, loaded.Identity, StringComparison.Ordinal));
        }

        if (scope is not null && loaded.Scope is { } served)
        {
            selected &= Step(output, "scope", scope.ToString(), served.ToString(), string.Equals(scope.ToString(), served.ToString(), StringComparison.OrdinalIgnoreCase));
        }

        var audiences = request.ServiceAudiences.Length == 0 ? null : new AudienceSet(request.ServiceAudiences);
        var explanation = PolicyExplainer.Explain(loaded.Definition, compiled, identity, audiences);
        foreach (var step in explanation.Steps)
        {
            if (step.Passed is { } passed)
            {
                Step(output, step.Rule, step.Actual, step.Expected, passed);
            }
            else
            {
                output.WriteLine($"• {step.Rule}: {step.Expected}");
            }
        }

        if (explanation.AudienceAssumed)
        {
            output.WriteLine("note: the policy names no audience and no --service-audience was given: the token's audiences were taken as the service's");
        }

        if (!selected)
        {
            output.WriteLine("verdict: denied (the request selects another policy than this one)");
            return 1;
        }

        var decision = explanation.Decision;
        output.WriteLine(decision.Allowed ? "verdict: allowed" : $"verdict: denied ({decision.Detail ?? decision.Reason.ToString()})");
        return decision.Allowed ? 0 : 1;
    }

    private static bool Step(TextWriter output, string rule, string actual, string expected, bool passed)
    {
        output.WriteLine($"{(passed ? "✓" : "✗")} {rule}: {actual}");
        output.WriteLine($"    policy: {expected}");
        return passed;
    }
}
