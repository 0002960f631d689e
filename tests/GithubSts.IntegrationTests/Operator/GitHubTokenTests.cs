using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.GitHubTokens;
using GithubSts.Operator.Runtime;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 12: GitHubTokens against the real kube-apiserver and the GitHub simulator: what each Secret format holds,
/// renewal before expiry, revocation on deletion, spec change and withdrawn authority, and a foreign Secret left alone.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class GitHubTokenTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Formats => new()
    {
        { SecretFormats.Token, "octo-org/octo-repo" },
        { SecretFormats.BasicAuth, "octo-org/octo-repo" },
        { SecretFormats.ArgoCdRepository, "octo-org/octo-repo" },
        { SecretFormats.ArgoCdRepository, "octo-org" },
        { SecretFormats.GitCredentials, "octo-org/octo-repo" },
    };

    [KubernetesTheory]
    [MemberData(nameof(Formats))]
    public async Task Each_secret_format_holds_exactly_its_keys_and_labels(string format, string scope)
    {
        var (ns, app) = await env.SetUpAsync($"fmt-{format}");
        var audit = env.RecordAudit();
        var organization = !scope.Contains('/', StringComparison.Ordinal);
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Scope(scope, organization ? ["octo-repo"] : []).Format(format)
            .SecretLabels(new() { ["team"] = "a" }, new() { ["note"] = "for the tests" }).Build());

        var ready = await env.WaitForReadyAsync(ns, "ci");
        output.WriteLine(ready.Status!.Conditions![0].Message);
        var secret = await env.ReadSecretAsync(ns, "ci");
        var mint = env.GitHub.Mints.Single(m => m.Token.Length > 0 && Fingerprint(m.Token) == ready.Status.TokenFingerprint);

        // Exactly what was asked, for exactly the repository; the status says what GitHub granted, and only the fingerprint.
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, mint.RequestedPermissions);
        Assert.Equal(["octo-repo"], mint.RequestedRepositories);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["metadata"] = "read" }, ready.Status.Permissions);
        Assert.Equal(["octo-repo"], ready.Status.Repositories);
        Assert.Equal(mint.ExpiresAt, ready.Status.ExpiresAt);
        Assert.Equal("ci", ready.Status.SecretName);

        var web = env.GitHub.ApiUrl.GetLeftPart(UriPartial.Authority);
        var expected = format switch
        {
            SecretFormats.Token => new Dictionary<string, string> { ["token"] = mint.Token },
            SecretFormats.BasicAuth => new() { ["username"] = "x-access-token", ["password"] = mint.Token },
            SecretFormats.ArgoCdRepository => new()
            {
                ["type"] = "git",
                ["url"] = $"{web}/{scope}",
                ["username"] = "x-access-token",
                ["password"] = mint.Token,
            },
            _ => new() { [".git-credentials"] = $"http://x-access-token:{mint.Token}@{env.GitHub.ApiUrl.Authority}\n" },
        };
        Assert.Equal(expected, secret.Data.ToDictionary(p => p.Key, p => secret.Text(p.Key)));
        Assert.Equal("Opaque", secret.Type);

        var labels = new Dictionary<string, string>
        {
            ["team"] = "a",
            ["app.kubernetes.io/managed-by"] = "github-sts",
            ["githubsts.io/github-token"] = "ci",
        };
        if (format == SecretFormats.ArgoCdRepository)
        {
            labels["argocd.argoproj.io/secret-type"] = organization ? "repo-creds" : "repository";
        }

        Assert.Equal(labels, secret.Metadata.Labels);
        Assert.Equal("for the tests", secret.Metadata.Annotations["note"]);
        Assert.Equal(mint.ExpiresAt, DateTimeOffset.Parse(secret.Metadata.Annotations["githubsts.io/expires-at"], System.Globalization.CultureInfo.InvariantCulture));
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal(("githubsts.io/v1alpha1", "GitHubToken", "ci", ready.Metadata.Uid, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Contains(GitHubTokenReconciler.Finalizer, ready.Metadata.Finalizers!);

        var line = await EventuallyAsync(() => audit.FirstOrDefault(a => a.Identity == $"{ns}/ci"));
        Assert.Equal(("githubtoken", "success", "issued", app, scope, ready.Status.TokenFingerprint), (line.Endpoint, line.Result, line.Reason, line.App, line.Scope, line.TokenSha256));
        Assert.DoesNotContain(mint.Token, System.Text.Json.JsonSerializer.Serialize(ready), StringComparison.Ordinal);

        // One mint, however many reconciles the finalizer, status and Secret writes caused.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(audit, a => a.Identity == $"{ns}/ci");
    }

    [KubernetesFact]
    public async Task A_token_is_renewed_before_it_expires_and_the_previous_one_stays_valid()
    {
        var (ns, app) = await env.SetUpAsync("renew");
        env.GitHub.TokenLifetime = TimeSpan.FromSeconds(30);
        try
        {
            var audit = env.RecordAudit();
            await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).RefreshBefore("10s").Build());
            var first = await env.WaitForReadyAsync(ns, "ci");
            var firstToken = (await env.ReadSecretAsync(ns, "ci")).Text("token");

            var renewed = await env.WaitForAsync(ns, "ci", t => t.Status?.TokenFingerprint is { } f && f != first.Status!.TokenFingerprint, TimeSpan.FromSeconds(40), "a renewal");
            output.WriteLine($"issued {first.Status!.RefreshedAt:O}, expires {first.Status.ExpiresAt:O}; renewed {renewed.Status!.RefreshedAt:O}");

            // At least refreshBefore before the first token expired (whole seconds on the wire), and not before half its life.
            Assert.True(renewed.Status.RefreshedAt <= first.Status.ExpiresAt - TimeSpan.FromSeconds(9), "renewed too late");
            Assert.True(renewed.Status.RefreshedAt >= first.Status.RefreshedAt + TimeSpan.FromSeconds(14), "renewed too early");
            var secondToken = (await env.ReadSecretAsync(ns, "ci")).Text("token");
            Assert.Equal(renewed.Status.TokenFingerprint, Fingerprint(secondToken));
            Assert.False(env.GitHub.IsRevoked(firstToken), "a renewal must not revoke the previous token");
            Assert.Contains(audit, a => a.Identity == $"{ns}/ci" && a.Reason == "renewed" && a.TokenSha256 == renewed.Status.TokenFingerprint);
            await env.DeleteTokenAsync(ns, "ci");
        }
        finally
        {
            env.GitHub.TokenLifetime = TimeSpan.FromHours(1);
        }
    }

    [KubernetesFact]
    public async Task Deleting_a_github_token_revokes_its_token_and_deletes_its_secret()
    {
        var (ns, app) = await env.SetUpAsync("delete");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Format(SecretFormats.BasicAuth).Build());
        await env.WaitForReadyAsync(ns, "ci");
        var token = (await env.ReadSecretAsync(ns, "ci")).Text("password");
        var audit = env.RecordAudit();

        await env.DeleteTokenAsync(ns, "ci");
        await env.WaitUntilGoneAsync(ns, "ci", Settle);

        Assert.True(env.GitHub.IsRevoked(token));
        Assert.False(await env.SecretExistsAsync(ns, "ci"));
        var line = await EventuallyAsync(() => audit.FirstOrDefault(a => a.Identity == $"{ns}/ci"));
        Assert.Equal(("revoked", "deleted", true, Fingerprint(token)), (line.Result, line.Reason, line.TokenRevoked, line.TokenSha256));
    }

    [KubernetesFact]
    public async Task A_secret_it_does_not_own_is_never_touched()
    {
        var (ns, app) = await env.SetUpAsync("foreign");
        var foreign = await env.Admin.Library.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "taken" }, StringData = new Dictionary<string, string> { ["token"] = "someone else's" } }, ns);
        var mints = env.GitHub.Mints.Count;

        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).SecretName("taken").Build());
        var conflict = await env.WaitForReadyAsync(ns, "ci", ConditionReasons.SecretConflict);
        output.WriteLine(conflict.Status!.Conditions![0].Message);

        await env.DeleteTokenAsync(ns, "ci");
        await env.WaitUntilGoneAsync(ns, "ci", Settle);
        var after = await env.ReadSecretAsync(ns, "taken");
        Assert.Equal(foreign.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal("someone else's", after.Text("token"));
        Assert.Equal(mints, env.GitHub.Mints.Count);
    }

    [KubernetesTheory]
    [InlineData("grant")]
    [InlineData("ceiling")]
    public async Task Withdrawn_authority_revokes_the_token_and_empties_the_secret(string withdrawn)
    {
        var (ns, app) = await env.SetUpAsync($"withdraw-{withdrawn}");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        await env.WaitForReadyAsync(ns, "ci");
        var token = (await env.ReadSecretAsync(ns, "ci")).Text("token");

        var narrowed = new GitHubAppBuilder(app, env);
        narrowed = withdrawn == "grant" ? narrowed.Grant([ns], "octo-org/other-repo") : narrowed.Grant([ns], "octo-org/octo-repo");
        var appResource = narrowed.Build();
        if (withdrawn == "ceiling")
        {
            appResource.Spec.MaxPermissions = new() { ["issues"] = "read" };
        }

        await env.ApplyAsync(appResource);
        var refused = await env.WaitForReadyAsync(ns, "ci", withdrawn == "grant" ? ConditionReasons.NotGranted : ConditionReasons.PermissionsExceedApp);
        output.WriteLine(refused.Status!.Conditions![0].Message);

        Assert.True(env.GitHub.IsRevoked(token));
        var secret = await env.ReadSecretAsync(ns, "ci");
        Assert.True(secret.Data is null || secret.Data.Count == 0, "the Secret still holds data");
        Assert.Equal("ci", secret.Metadata.Labels["githubsts.io/github-token"]);
        Assert.Null(refused.Status.TokenFingerprint);
        Assert.Null(refused.Status.ExpiresAt);
        var events = (await env.Admin.Library.EventsV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.Regarding.Name == "ci").ToList();
        Assert.Contains(events, e => e.Reason == refused.Status.Conditions[0].Reason && e.Type == "Warning");
    }

    [KubernetesFact]
    public async Task A_spec_that_becomes_invalid_revokes_the_token_and_empties_the_secret()
    {
        var (ns, app) = await env.SetUpAsync("invalid");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        await env.WaitForReadyAsync(ns, "ci");
        var token = (await env.ReadSecretAsync(ns, "ci")).Text("token");

        // The API server accepts it (its schema cannot say this); the operator's rules refuse it.
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).SecretLabels(new() { ["githubsts.io/github-token"] = "other" }).Build());
        var invalid = await env.WaitForReadyAsync(ns, "ci", ConditionReasons.InvalidSpec);
        output.WriteLine(invalid.Status!.Conditions![0].Message);

        Assert.True(env.GitHub.IsRevoked(token));
        var secret = await env.ReadSecretAsync(ns, "ci");
        Assert.True(secret.Data is null || secret.Data.Count == 0, "the Secret still holds data");
        Assert.Null(invalid.Status.TokenFingerprint);
    }

    [KubernetesFact]
    public async Task A_spec_change_issues_a_new_token_at_once_and_revokes_the_previous_one()
    {
        var (ns, app) = await env.SetUpAsync("respec");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        var first = await env.WaitForReadyAsync(ns, "ci");
        var firstToken = (await env.ReadSecretAsync(ns, "ci")).Text("token");

        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Permissions(("contents", "write")).Format(SecretFormats.BasicAuth).Build());
        var second = await env.WaitForAsync(ns, "ci", t => t.Status is { } s && s.IssuedGeneration == t.Metadata.Generation && s.TokenFingerprint != first.Status!.TokenFingerprint, Settle, "a new token");

        var secret = await env.ReadSecretAsync(ns, "ci");
        Assert.Equal(["password", "username"], secret.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(second.Status!.TokenFingerprint, Fingerprint(secret.Text("password")));
        Assert.Equal("write", second.Status.Permissions!["contents"]);
        Assert.True(env.GitHub.IsRevoked(firstToken), "the token of the previous spec must be revoked");
        Assert.False(env.GitHub.IsRevoked(secret.Text("password")));
    }

    [KubernetesFact]
    public async Task A_new_leader_keeps_renewing_without_a_burst()
    {
        const int Count = 5;
        var (ns, app) = await env.SetUpAsync("failover");
        await env.StartServiceAsync();
        env.GitHub.TokenLifetime = TimeSpan.FromSeconds(40);
        try
        {
            var audit = env.RecordAudit();
            var names = Enumerable.Range(0, Count).Select(i => $"ci-{i}").ToList();
            foreach (var name in names)
            {
                await env.ApplyAsync(new GitHubTokenBuilder(ns, name).App(app).RefreshBefore("10s").Build());
            }

            var issued = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                issued[name] = (await env.WaitForReadyAsync(ns, name)).Status!.TokenFingerprint!;
            }

            var electors = env.Services.Select(s => s.Services.GetRequiredService<LeaderElector>()).ToList();
            var leader = env.Services[electors.FindIndex(e => e.IsLeader)];
            var follower = electors.Single(e => !e.IsLeader);
            await env.StopServiceAsync(leader);
            var deadline = DateTime.UtcNow + Settle;
            while (!follower.IsLeader)
            {
                Assert.True(DateTime.UtcNow < deadline, "the follower never took over");
                await Task.Delay(100);
            }

            // The new leader looked at every resource at once and minted nothing: none was due.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(Count, audit.Count(a => a.Identity!.StartsWith(ns + "/", StringComparison.Ordinal)));

            // And renews each when it is due, once.
            foreach (var name in names)
            {
                await env.WaitForAsync(ns, name, t => t.Status?.TokenFingerprint is { } f && f != issued[name], TimeSpan.FromSeconds(45), "a renewal by the new leader");
            }

            var renewals = audit.Where(a => a.Identity!.StartsWith(ns + "/", StringComparison.Ordinal) && a.Reason == "renewed").ToList();
            Assert.Equal(Count, renewals.Select(a => a.Identity).Distinct(StringComparer.Ordinal).Count());
            foreach (var name in names)
            {
                await env.DeleteTokenAsync(ns, name);
            }
        }
        finally
        {
            env.GitHub.TokenLifetime = TimeSpan.FromHours(1);
        }
    }

    [KubernetesFact]
    public async Task An_organization_token_for_every_repository_names_them_all_but_the_org_policy_repository()
    {
        var (ns, app) = await env.SetUpAsync("org-star");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Scope("octo-org", "*").Build());
        var ready = await env.WaitForReadyAsync(ns, "ci");
        var mint = env.GitHub.Mints.Single(m => m.Token.Length > 0 && Fingerprint(m.Token) == ready.Status!.TokenFingerprint);
        Assert.Equal(["octo-repo", "other-repo"], mint.RequestedRepositories!.Order(StringComparer.Ordinal));
        Assert.Equal(["octo-repo", "other-repo"], ready.Status!.Repositories!.Order(StringComparer.Ordinal));
    }

    [KubernetesFact]
    public async Task Renaming_the_secret_moves_the_token_and_deletes_the_old_secret()
    {
        var (ns, app) = await env.SetUpAsync("rename");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        var first = await env.WaitForReadyAsync(ns, "ci");
        var firstToken = (await env.ReadSecretAsync(ns, "ci")).Text("token");

        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).SecretName("ci-renamed").Build());
        var moved = await env.WaitForAsync(ns, "ci", t => t.Status?.SecretName == "ci-renamed" && t.Status.TokenFingerprint != first.Status!.TokenFingerprint, Settle, "the move");
        Assert.Equal(moved.Status!.TokenFingerprint, Fingerprint((await env.ReadSecretAsync(ns, "ci-renamed")).Text("token")));
        Assert.False(await env.SecretExistsAsync(ns, "ci"));
        Assert.True(env.GitHub.IsRevoked(firstToken));
    }

    [KubernetesFact]
    public async Task A_rate_limited_mint_waits_for_retry_after_and_the_transitions_are_events()
    {
        var (ns, app) = await env.SetUpAsync("ratelimit");
        env.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.SecondaryRateLimit(TimeSpan.FromSeconds(3)));
        var started = DateTimeOffset.UtcNow;
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        var limited = await env.WaitForReadyAsync(ns, "ci", ConditionReasons.RateLimited);
        output.WriteLine(limited.Status!.Conditions![0].Message);

        var issued = await env.WaitForReadyAsync(ns, "ci");
        Assert.True(issued.Status!.RefreshedAt >= started + TimeSpan.FromSeconds(2), "retried before Retry-After");
        var events = (await env.Admin.Library.EventsV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.Regarding.Name == "ci").ToList();
        Assert.Contains(events, e => e.Reason == ConditionReasons.RateLimited && e.Type == "Warning" && e.Regarding.Kind == "GitHubToken");
        Assert.Contains(events, e => e.Reason == ConditionReasons.Issued && e.Type == "Normal");
    }

    [KubernetesFact]
    public async Task A_github_outage_at_renewal_keeps_the_current_token_and_retries_with_backoff()
    {
        var (ns, app) = await env.SetUpAsync("outage");
        env.GitHub.TokenLifetime = TimeSpan.FromSeconds(40);
        try
        {
            await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).RefreshBefore("15s").Build());
            var first = await env.WaitForReadyAsync(ns, "ci");
            var token = (await env.ReadSecretAsync(ns, "ci")).Text("token");
            env.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(502));

            var down = await env.WaitForReadyAsync(ns, "ci", ConditionReasons.GitHubUnavailable, TimeSpan.FromSeconds(40));
            output.WriteLine(down.Status!.Conditions![0].Message);
            Assert.Equal(first.Status!.TokenFingerprint, down.Status.TokenFingerprint);
            Assert.Equal(token, (await env.ReadSecretAsync(ns, "ci")).Text("token"));
            Assert.DoesNotContain(GitHubFault.SecretBodyMarker, down.Status.Conditions[0].Message, StringComparison.Ordinal);

            var renewed = await env.WaitForAsync(ns, "ci", t => t.Status?.TokenFingerprint is { } f && f != first.Status.TokenFingerprint, TimeSpan.FromSeconds(30), "a renewal after the outage");
            Assert.True(renewed.Status!.RefreshedAt < first.Status.ExpiresAt, "renewed only after the token expired");
            Assert.False(env.GitHub.IsRevoked(token));
            await env.DeleteTokenAsync(ns, "ci");
        }
        finally
        {
            env.GitHub.TokenLifetime = TimeSpan.FromHours(1);
        }
    }

    [KubernetesFact]
    public async Task Metrics_count_resources_by_reason_mints_failures_and_revocations_as_the_readme_documents()
    {
        var (ns, app) = await env.SetUpAsync("metrics");
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "ci").App(app).Build());
        await env.WaitForReadyAsync(ns, "ci");
        await env.Admin.Library.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "taken" } }, ns);
        await env.ApplyAsync(new GitHubTokenBuilder(ns, "conflict").App(app).SecretName("taken").Build());
        await env.WaitForReadyAsync(ns, "conflict", ConditionReasons.SecretConflict);
        await env.DeleteTokenAsync(ns, "ci");
        await env.WaitUntilGoneAsync(ns, "ci", Settle);

        var leader = env.Services.Single(s => s.Services.GetRequiredService<LeaderElector>().IsLeader);
        using var management = Infrastructure.ManagementClients.For(leader.Services);
        var metrics = await management.GetStringAsync("/metrics");
        var families = Infrastructure.PrometheusText.Parse(metrics);
        var documented = Infrastructure.ReadmeMetricsTable.Read();
        foreach (var name in new[] { "githubsts_github_tokens", "githubsts_github_token_mints_total", "githubsts_github_token_failures_total", "githubsts_github_token_revocations_total" })
        {
            var family = families[name];
            Assert.Equal(Infrastructure.ReadmeMetricsTable.ExpectedType(name), family.Type);
            Assert.True(documented[name].SetEquals(family.Labels), $"{name}: README [{string.Join(",", documented[name])}], exposed [{string.Join(",", family.Labels)}]");
        }

        Assert.Contains($"githubsts_github_token_mints_total{{app=\"{app}\",kind=\"issued\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"githubsts_github_token_revocations_total{{app=\"{app}\",cause=\"deleted\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"githubsts_github_token_failures_total{{app=\"{app}\",reason=\"SecretConflict\"}}", metrics, StringComparison.Ordinal);
        Assert.Contains("githubsts_github_tokens{reason=\"SecretConflict\"}", metrics, StringComparison.Ordinal);
        await env.DeleteTokenAsync(ns, "conflict");
    }

    private static string Fingerprint(string token) => GitHubTokenScenario.Fingerprint(token);

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "not observed in time");
            await Task.Delay(100);
        }
    }
}
