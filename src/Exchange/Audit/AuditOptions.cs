namespace GithubSts.Exchange.Audit;

public enum AuditRotation
{
    /// <summary>A new file each UTC day.</summary>
    Daily,

    /// <summary>A new file when the current one reaches <see cref="AuditOptions.MaxFileBytes"/>.</summary>
    Size,
}

/// <summary>Where the audit trail goes (<c>audit.*</c> settings).</summary>
public sealed class AuditOptions
{
    /// <summary>Write one JSON line per exchange attempt to standard output.</summary>
    public bool Stdout { get; init; } = true;

    /// <summary>Also (or instead) write to this file, rotated per <see cref="Rotation"/>.</summary>
    public string? FilePath { get; init; }

    public AuditRotation Rotation { get; init; } = AuditRotation.Daily;

    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>How many rotated files to keep next to the current one.</summary>
    public int MaxRetainedFiles { get; init; } = 14;

    /// <summary>Events waiting to be written; beyond it events are dropped (and counted) rather than slowing requests.</summary>
    public int QueueCapacity { get; init; } = 10_000;
}
