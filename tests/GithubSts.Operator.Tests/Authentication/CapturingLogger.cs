using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>Keeps every formatted log line (all levels, with exception text) so tests can assert what was not logged.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue($"{logLevel} {eventId.Id}: {formatter(state, exception)} {exception}");
}
