using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Tests.GitHub;

/// <summary>Keeps every log entry (all levels enabled) so tests can check what reaches which level.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));

    public IEnumerable<string> MessagesAtOrAbove(LogLevel level) =>
        Entries.Where(e => e.Level >= level).Select(e => e.Message);
}
