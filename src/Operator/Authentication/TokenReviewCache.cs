namespace GithubSts.Operator.Authentication;

/// <summary>
/// Successful TokenReviews, keyed by the token's SHA-256 (never the token), each valid until an absolute instant.
/// Bounded: the least recently used entry is evicted when full. Negative results are never stored. Thread-safe.
/// </summary>
internal sealed class TokenReviewCache(int capacity)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> recency = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>True when a review of this token succeeded and its entry has not expired at <paramref name="now"/>.</summary>
    public bool Contains(string tokenHash, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!entries.TryGetValue(tokenHash, out var node))
            {
                return false;
            }

            if (node.Value.ValidUntil <= now)
            {
                Remove(node);
                return false;
            }

            recency.Remove(node);
            recency.AddFirst(node);
            return true;
        }
    }

    public void Add(string tokenHash, DateTimeOffset validUntil)
    {
        lock (gate)
        {
            if (entries.TryGetValue(tokenHash, out var existing))
            {
                Remove(existing);
            }

            while (entries.Count >= capacity && recency.Last is { } oldest)
            {
                Remove(oldest);
            }

            entries[tokenHash] = recency.AddFirst(new Entry(tokenHash, validUntil));
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        recency.Remove(node);
        entries.Remove(node.Value.TokenHash);
    }

    private readonly record struct Entry(string TokenHash, DateTimeOffset ValidUntil);
}
