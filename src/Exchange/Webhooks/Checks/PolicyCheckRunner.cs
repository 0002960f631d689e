using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>
/// The <c>github-sts policy</c> check run: reads the changed policy files at the head commit with a
/// <c>contents: read</c> token for that one repository (revoked afterwards), checks each (<see cref="IPolicyFileChecker"/>,
/// plus what the installation cannot grant), and posts the result with a separate <c>checks: write</c> token for that
/// repository (revoked afterwards).
/// </summary>
public sealed partial class PolicyCheckRunner(
    GitHubApiClient github, IPolicyFileChecker checker, GithubStsMetrics metrics, ILogger<PolicyCheckRunner> logger)
{
    public const string CheckName = "github-sts policy";

    /// <summary>At most this many files are read for one check run; more are reported in the summary, not read.</summary>
    public const int MaxCheckedFiles = 50;

    public const string InstallationCannotGrantCode = "InstallationCannotGrant";

    private static readonly IReadOnlyDictionary<string, string> ContentsRead =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" };

    private static readonly IReadOnlyDictionary<string, string> ChecksWrite =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["checks"] = "write" };

    internal async Task<PolicyCheckOutcome> RunAsync(PolicyCheckRequest request, CancellationToken ct)
    {
        var app = request.App.Credentials;
        InstallationDetails installation;
        try
        {
            installation = await github.GetInstallationAsync(app, request.InstallationId, ct);
        }
        catch (GitHubNotFoundException)
        {
            LogUnknownInstallation(app.Name, request.InstallationId);
            return PolicyCheckOutcome.UnknownInstallation;
        }

        if (!string.Equals(installation.AccountLogin, request.Owner, StringComparison.OrdinalIgnoreCase))
        {
            LogUnknownInstallation(app.Name, request.InstallationId);
            return PolicyCheckOutcome.UnknownInstallation;
        }

        var matcher = new PolicyFileMatcher(request.App);
        ChangedPolicyFiles? read;
        try
        {
            read = await ReadChangedFilesAsync(request, matcher, ct);
        }
        catch (Exception e) when (e is GitHubUnprocessableException or GitHubNotFoundException)
        {
            // The installation cannot see the repository (or the commits are gone): nothing to check there.
            LogRepositoryNotAccessible(app.Name, request.Owner, request.Repository);
            return PolicyCheckOutcome.UnknownInstallation;
        }

        if (read is null)
        {
            return PolicyCheckOutcome.NothingToCheck;
        }

        if (!installation.Grants("checks", "write"))
        {
            LogChecksNotPermitted(app.Name, request.Owner, request.Repository, read.Files.Count + read.Unreadable.Count);
            metrics.PolicyCheckRun("not_permitted");
            return PolicyCheckOutcome.NotPermitted;
        }

        var scope = IsOrganizationPolicyRepository(request) ? request.Owner : $"{request.Owner}/{request.Repository}";
        var findings = new List<PolicyFileFinding>();
        foreach (var path in read.Unreadable)
        {
            findings.Add(new PolicyFileFinding(
                PolicyFindingSeverity.Error, "UnreadableFile",
                $"the file is larger than {TrustPolicyYaml.MaxBytes} bytes or not UTF-8 text: the server would not load it", path, 1, null));
        }

        foreach (var (path, text) in read.Files)
        {
            findings.AddRange(checker.Check(path, text, scope));
            if (matcher.IsPolicyFile(path))
            {
                findings.AddRange(AppGrantFindings(path, text, scope, request.App));
                findings.AddRange(InstallationGrantFindings(path, text, installation));
            }
        }

        var checkRun = CheckRunReport.Build(CheckName, request.HeadSha, read, findings);
        await WithTokenAsync(request, ChecksWrite, async token =>
        {
            await github.CreateCheckRunAsync(app, token, request.Owner, request.Repository, checkRun, ct);
            return true;
        });
        var conclusion = checkRun.Succeeded ? "success" : "failure";
        metrics.PolicyCheckRun(conclusion);
        LogCheckRunPosted(app.Name, request.Owner, request.Repository, request.HeadSha, conclusion, findings.Count);
        return checkRun.Succeeded ? PolicyCheckOutcome.Success : PolicyCheckOutcome.Failure;
    }

    /// <summary>What the App itself refuses to let its policies grant (<c>maxPermissions</c>, organization permissions).</summary>
    internal static IEnumerable<PolicyFileFinding> AppGrantFindings(string path, string text, string scope, GitHubAppRuntime app)
    {
        if (!Requests.ExchangeTarget.TryParse(scope, out var target))
        {
            return [];
        }

        try
        {
            var kind = target.Repository is null ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
            var compiled = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(text), kind, target);
            return compiled.Succeeded
                ? AppGrantRules.Check(compiled.Policy!, app).Select(error => LinterPolicyFileChecker.From(PolicyLinter.ErrorFinding(path, text, error)))
                : [];
        }
        catch (PolicyFormatException)
        {
            // The checker reports it.
            return [];
        }
    }

    /// <summary>"the installation cannot grant X": a permission the policy asks for above what the installation holds.</summary>
    internal static IEnumerable<PolicyFileFinding> InstallationGrantFindings(string path, string text, InstallationDetails installation)
    {
        TrustPolicyDefinition definition;
        try
        {
            definition = TrustPolicyYaml.Parse(text);
        }
        catch (PolicyFormatException)
        {
            // The checker reports the syntax; there are no permissions to compare.
            yield break;
        }

        foreach (var (name, level) in definition.Permissions ?? new Dictionary<string, string>())
        {
            if (installation.Grants(name, level))
            {
                continue;
            }

            var held = installation.Permissions.TryGetValue(name, out var have) ? have : "none";
            var (line, column) = PolicyLinter.LocateField(text, $"permissions.{name}");
            yield return new PolicyFileFinding(
                PolicyFindingSeverity.Error,
                InstallationCannotGrantCode,
                $"permissions.{name}: the installation cannot grant {name}: {level} (it holds {held}), so no exchange with this policy can succeed",
                path,
                line,
                column);
        }
    }

    private async Task<ChangedPolicyFiles?> ReadChangedFilesAsync(PolicyCheckRequest request, PolicyFileMatcher matcher, CancellationToken ct)
    {
        var app = request.App.Credentials;
        return await WithTokenAsync(request, ContentsRead, async token =>
        {
            var paths = request.ChangedPaths;
            if (paths is null)
            {
                var compared = await github.CompareCommitsAsync(app, token, request.Owner, request.Repository, request.BaseSha!, request.HeadSha, ct);
                paths = [.. compared.Where(f => !f.Removed).Select(f => f.Path)];
            }

            var relevant = paths.Where(matcher.IsUnderPolicyDirectory).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (relevant.Count == 0)
            {
                return null;
            }

            var files = new List<(string Path, string Text)>();
            var unreadable = new List<string>();
            foreach (var path in relevant.Take(MaxCheckedFiles))
            {
                string? text;
                try
                {
                    text = await github.GetRepositoryFileAtCommitAsync(
                        app, token, request.Owner, request.Repository, path, request.HeadSha, TrustPolicyYaml.MaxBytes, ct);
                }
                catch (GitHubApiException e) when (e is not (GitHubUnavailableException or GitHubRateLimitedException))
                {
                    // Too large or not UTF-8: the server would refuse to load it the same way.
                    unreadable.Add(path);
                    continue;
                }

                if (text is not null)
                {
                    files.Add((path, text));
                }
            }

            return files.Count + unreadable.Count == 0
                ? null
                : new ChangedPolicyFiles(files, unreadable, relevant.Count - Math.Min(relevant.Count, MaxCheckedFiles));
        });
    }

    /// <summary>Runs <paramref name="use"/> with a token of exactly <paramref name="permissions"/> on the one repository, revoked afterwards.</summary>
    private async Task<T> WithTokenAsync<T>(
        PolicyCheckRequest request, IReadOnlyDictionary<string, string> permissions, Func<string, Task<T>> use)
    {
        var app = request.App.Credentials;
        var minted = await github.CreateInstallationTokenAsync(app, request.InstallationId, permissions, [request.Repository], CancellationToken.None);
        try
        {
            return await use(minted.Token);
        }
        finally
        {
            try
            {
                await github.RevokeInstallationTokenAsync(app, minted.Token, CancellationToken.None);
            }
            catch (GitHubApiException e)
            {
                LogRevokeFailed(app.Name, e.StatusCode);
            }
        }
    }

    private static bool IsOrganizationPolicyRepository(PolicyCheckRequest request) =>
        string.Equals(request.Repository, request.App.OrgPolicyRepository, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The changed files that were read at the head commit, and how many more were not read (over the cap).</summary>
internal sealed record ChangedPolicyFiles(IReadOnlyList<(string Path, string Text)> Files, IReadOnlyList<string> Unreadable, int NotRead);
