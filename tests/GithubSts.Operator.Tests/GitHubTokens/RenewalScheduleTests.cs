using GithubSts.Operator.GitHubTokens;
using GithubSts.Testing;

namespace GithubSts.Operator.Tests.GitHubTokens;

/// <summary>When tokens are renewed, and how many mints an App may spend on GitHubTokens: on a manual clock.</summary>
public sealed class RenewalScheduleTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_is_renewed_with_at_least_refresh_before_left_and_at_most_a_quarter_of_it_earlier()
    {
        var expires = Issued.AddHours(1);
        for (var i = 0; i < 200; i++)
        {
            var at = RenewalSchedule.RenewAt(Issued, expires, TimeSpan.FromMinutes(15), Guid.NewGuid().ToString());
            Assert.InRange(at, expires - TimeSpan.FromMinutes(15) - TimeSpan.FromMinutes(3.75), expires - TimeSpan.FromMinutes(15));
        }
    }

    [Fact]
    public void The_same_resource_always_gets_the_same_jitter()
    {
        var uid = Guid.NewGuid().ToString();
        Assert.Equal(
            RenewalSchedule.RenewAt(Issued, Issued.AddHours(1), TimeSpan.FromMinutes(15), uid),
            RenewalSchedule.RenewAt(Issued, Issued.AddHours(1), TimeSpan.FromMinutes(15), uid));
    }

    [Fact]
    public void A_refresh_before_longer_than_half_the_life_renews_at_half_life_never_in_a_loop()
    {
        var at = RenewalSchedule.RenewAt(Issued, Issued.AddMinutes(10), TimeSpan.FromMinutes(15), "uid");
        Assert.Equal(Issued.AddMinutes(5), at);
    }

    [Fact]
    public void A_thousand_resources_issued_in_the_same_second_renew_spread_over_the_jitter_window()
    {
        var expires = Issued.AddHours(1);
        var seconds = Enumerable.Range(0, 1000)
            .Select(_ => RenewalSchedule.RenewAt(Issued, expires, TimeSpan.FromMinutes(15), Guid.NewGuid().ToString()))
            .GroupBy(at => at.ToUnixTimeSeconds())
            .ToList();

        // 3.75 minutes of jitter = 225 one-second slots: about 4-5 renewals a second, never hundreds at once.
        Assert.True(seconds.Count > 150, $"only {seconds.Count} distinct seconds");
        Assert.True(seconds.Max(g => g.Count()) <= 20, $"{seconds.Max(g => g.Count())} renewals in one second");
    }

    [Fact]
    public void The_mint_budget_allows_its_count_in_any_minute_and_says_when_the_next_is_free()
    {
        var clock = new ManualTimeProvider(Issued);
        var budget = new MintBudget(30, clock);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(budget.TryTake("app", out _));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(budget.TryTake("app", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);

        // Per App: another App's GitHubTokens are not held back.
        Assert.True(budget.TryTake("other", out _));

        clock.Advance(wait);
        Assert.True(budget.TryTake("app", out _));
        Assert.False(budget.TryTake("app", out _));
    }

    [Fact]
    public void A_thousand_renewals_due_at_once_are_spread_over_minutes_within_the_budget()
    {
        var clock = new ManualTimeProvider(Issued);
        var budget = new MintBudget(30, clock);
        var pending = 1000;
        var perMinute = new Dictionary<long, int>();
        while (pending > 0)
        {
            if (budget.TryTake("app", out var wait))
            {
                pending--;
                var minute = (clock.GetUtcNow() - Issued).Ticks / TimeSpan.TicksPerMinute;
                perMinute[minute] = perMinute.GetValueOrDefault(minute) + 1;
            }
            else
            {
                clock.Advance(wait);
            }
        }

        Assert.All(perMinute.Values, count => Assert.True(count <= 30));
        Assert.Equal(34, perMinute.Count); // 1000 / 30 per minute
    }
}
