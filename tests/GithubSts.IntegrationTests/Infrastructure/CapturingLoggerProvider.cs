using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GithubSts.IntegrationTests.Infrastructure;

public sealed record LogEntry(LogLevel Level, string Message);

/// <summary>Records every log line of an in-process service (register it as an <see cref="ILoggerProvider"/>).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        entries.Enqueue(new LogEntry(logLevel, formatter(state, exception)));

    public void Dispose()
    {
    }
}
