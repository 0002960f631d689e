using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// Heavy patterns (<see cref="CompiledPattern.IsHeavy"/>) of the repository-hosted policies one owner has cached in
/// this replica, bounded by <see cref="HeavyPatternBudget.PerOwner"/>. An entry lasts as long as the policy may be
/// served from the caches, so an owner cannot exceed the budget by spreading files over time.
/// </summary>
internal sealed class OwnerPatternBudget(TimeProvider time, TimeSpan hold)
{
    private readonly Dictionary<string, Dictionary<string, (int Heavy, DateTimeOffset Until)>> _owners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>Records <paramref name="heavy"/> patterns for <paramref name="file"/>; false (and nothing recorded) when over budget.</summary>
    public bool TryAdmit(string owner, string file, int heavy, out int ownerTotal)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_owners.TryGetValue(owner, out var files))
            {
                files = new(StringComparer.Ordinal);
                _owners[owner] = files;
            }

            foreach (var expired in files.Where(f => f.Value.Until <= now || f.Key == file).Select(f => f.Key).ToList())
            {
                files.Remove(expired);
            }

            ownerTotal = files.Values.Sum(f => f.Heavy) + heavy;
            var admitted = ownerTotal <= HeavyPatternBudget.PerOwner;
            if (admitted && heavy > 0)
            {
                files[file] = (heavy, now + hold);
            }

            if (files.Count == 0)
            {
                _owners.Remove(owner);
            }

            return admitted;
        }
    }
}
