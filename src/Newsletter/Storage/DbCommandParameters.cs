using System.Data.Common;

namespace Newsletter.Storage;

/// <summary>
/// Parameters for the raw commands a store prepares once and runs many times (a planning run's pages, its ledger
/// inserts), on either provider: named <c>@name</c> in the SQL, which both SQLite and Npgsql read.
/// </summary>
/// <remarks>
/// The parameter's own name carries the <c>@</c>: without it Microsoft.Data.Sqlite looks the name up under each of
/// its three prefixes on every execution (3% of a planning run's CPU, tests/BENCHMARKS.md); Npgsql takes either.
/// </remarks>
public static class DbCommandParameters
{
    /// <summary>Adds a parameter (a number, text, or on PostgreSQL an array); returns it, so the command can set it again.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds a timestamp parameter in the form the provider stores (<see cref="UtcTimestampHandler"/>).</summary>
    public static DbParameter AddTimestamp(this DbCommand command, string name, DateTimeOffset value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        UtcTimestampHandler.Bind(parameter, value);
        command.Parameters.Add(parameter);
        return parameter;
    }
}
