namespace GithubSts.Operator.Kubernetes;

/// <summary>Query parameters of a list call.</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Unset: a consistent read from etcd. <c>"0"</c>: any (possibly stale) state, from the watch cache.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary><c>NotOlderThan</c> or <c>Exact</c> (only with <see cref="ResourceVersion"/>).</summary>
    public string? ResourceVersionMatch { get; init; }

    /// <summary>Page size; follow <see cref="Models.ListMeta.Continue"/> for the next page.</summary>
    public int? Limit { get; init; }

    public string? Continue { get; init; }
}

/// <summary>Query parameters of a watch call.</summary>
public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Start after this version (usually the list's <c>metadata.resourceVersion</c>).</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>
    /// The server closes the stream after this many seconds. The client also gives up 30 s later, which ends the
    /// enumeration like a server close (a guard against streams that hang silently).
    /// </summary>
    public int? TimeoutSeconds { get; init; }
}
