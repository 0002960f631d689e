using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Tests.GitHub;

namespace GithubSts.Exchange.Tests.PolicySources;

public sealed class OwnerReadBudgetTests
{
    [Fact]
    public void A_burst_takes_the_capacity_and_then_is_refused_with_a_retry_delay()
    {
        var budget = new OwnerReadBudget(readsPerMinute: 3, new ManualClock());

        for (var i = 0; i < 3; i++)
        {
            Assert.True(budget.TryTake("app", "octo", out var none));
            Assert.Equal(TimeSpan.Zero, none);
        }

        Assert.False(budget.TryTake("app", "octo", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(20), retryAfter);
    }

    [Theory]
    [InlineData("OCTO")]
    [InlineData("Octo")]
    [InlineData("octo")]
    public void Owner_names_differing_in_case_share_one_bucket(string variant)
    {
        var budget = new OwnerReadBudget(readsPerMinute: 1, new ManualClock());
        Assert.True(budget.TryTake("app", "octo", out _));

        Assert.False(budget.TryTake("app", variant, out _));
    }

    [Fact]
    public void Apps_and_owners_have_separate_buckets()
    {
        var budget = new OwnerReadBudget(readsPerMinute: 1, new ManualClock());
        Assert.True(budget.TryTake("app", "octo", out _));

        Assert.True(budget.TryTake("other-app", "octo", out _));
        Assert.True(budget.TryTake("app", "other-owner", out _));

        // The separator keeps "a\nb" + "c" distinct from "a" + "b\nc" only if names cannot hold '\n'; app names cannot.
        Assert.False(budget.TryTake("app", "octo", out _));
    }

    [Fact]
    public void The_bucket_refills_at_the_configured_rate_and_never_above_capacity()
    {
        var clock = new ManualClock();
        var budget = new OwnerReadBudget(readsPerMinute: 60, clock);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(budget.TryTake("app", "octo", out _));
        }

        Assert.False(budget.TryTake("app", "octo", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake("app", "octo", out _));
        Assert.False(budget.TryTake("app", "octo", out _));

        // An idle hour refills to the burst size, not to sixty minutes' worth.
        clock.Advance(TimeSpan.FromHours(1));
        var taken = 0;
        while (budget.TryTake("app", "octo", out _))
        {
            taken++;
        }

        Assert.Equal(60, taken);
    }

    [Fact]
    public void A_clock_moving_backwards_grants_nothing_extra()
    {
        var clock = new ManualClock();
        var budget = new OwnerReadBudget(readsPerMinute: 1, clock);
        Assert.True(budget.TryTake("app", "octo", out _));

        clock.Advance(TimeSpan.FromMinutes(-10));
        Assert.False(budget.TryTake("app", "octo", out _));
    }

    [Fact]
    public void Many_owners_keep_their_spent_buckets_after_pruning()
    {
        var budget = new OwnerReadBudget(readsPerMinute: 1, new ManualClock());
        Assert.True(budget.TryTake("app", "spent", out _));

        // Past the prune threshold full buckets are dropped; the spent one must survive (else pruning resets it).
        for (var i = 0; i < 5000; i++)
        {
            budget.TryTake("app", $"owner{i}", out _);
        }

        Assert.False(budget.TryTake("app", "spent", out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_non_positive_rate_is_refused(int readsPerMinute)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OwnerReadBudget(readsPerMinute, new ManualClock()));
    }
}
