using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Newsletter.Tests.Support;

/// <summary>A logger provider that keeps every message of the categories asked for, to assert on what was logged.</summary>
public sealed class CapturedLogs(params string[] categoryPrefixes) : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> _entries = new();

    /// <summary>Every message kept, oldest first.</summary>
    public IReadOnlyList<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries => _entries.ToList();

    /// <summary>The messages at <paramref name="level"/>, oldest first.</summary>
    public IReadOnlyList<string> At(LogLevel level) => _entries.Where(e => e.Level == level).Select(e => e.Message).ToList();

    public ILogger CreateLogger(string categoryName) =>
        categoryPrefixes.Length == 0 || categoryPrefixes.Any(p => categoryName.StartsWith(p, StringComparison.Ordinal))
            ? new Logger(this, categoryName)
            : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner._entries.Enqueue((logLevel, category, formatter(state, exception), exception));
        }
    }
}
