using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Operator.Kubernetes;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only <c>metadata.resourceVersion</c> of the object is meaningful.</summary>
    Bookmark,

    /// <summary><see cref="WatchEvent{T}.Status"/> says what failed; code 410 (reason Expired/Gone) means relist.</summary>
    Error,
}

/// <summary>One line of a watch stream: an object for ADDED/MODIFIED/DELETED/BOOKMARK, a Status for ERROR.</summary>
#pragma warning disable CA1720 // "Object" is the field's name on the wire.
public readonly record struct WatchEvent<T>(WatchEventType Type, T? Object, ApiStatus? Status);
#pragma warning restore CA1720
