using Hangfire.Logging;

namespace Newsletter.Tests;

/// <summary>
/// Hangfire keeps process-wide statics: its log provider (each test host installs one over its own logger factory,
/// disposed with the host) and the global job filters, whose type initializer asks that provider for a logger once
/// and, if it throws, fails for the rest of the process. Tests start and dispose many hosts in one process, where the
/// service starts one, so before any test the filters are initialized and, for the Hangfire-only tests, logging goes
/// nowhere (<see cref="Silent"/>) instead of to a disposed host's factory.
/// </summary>
[SetUpFixture]
public sealed class HangfireStatics
{
    [OneTimeSetUp]
    public void InitializeFilters()
    {
        LogProvider.SetCurrentLogProvider(Silent);
        _ = Hangfire.Common.JobFilterProviders.Providers;
    }

    /// <summary>A log provider that drops everything (and never touches a host's logger factory).</summary>
    public static ILogProvider Silent { get; } = new SilentLogs();

    private sealed class SilentLogs : ILogProvider, ILog
    {
        public ILog GetLogger(string name) => this;
        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
