using System.Data;
using System.Globalization;
using Dapper;

namespace Newsletter.Storage;

/// <summary>
/// Stores every <see cref="DateTimeOffset"/> on SQLite as fixed-width UTC text (<c>2026-11-24T08:00:00.000Z</c>), so
/// that SQL can compare and sort timestamps as strings; on PostgreSQL passes it to Npgsql in UTC for a
/// <c>timestamptz</c> column (Npgsql refuses any other offset there). Either way it reads back in UTC.
/// </summary>
public sealed class UtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly UtcTimestampHandler Shared = new();

    public static void Register()
    {
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcTimestampHandler());
    }

    /// <summary>
    /// The value a timestamp takes in a PostgreSQL <c>timestamptz</c>: UTC, to the millisecond like the SQLite text,
    /// so a time written and read back compares equal on either provider.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>The text form a timestamp takes in the database.</summary>
    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Reads a stored timestamp: the fixed format <see cref="ToText"/> writes, else anything <see cref="Parse"/> accepts.</summary>
    // Parsing exactly the app's format is several times faster than a general parse, which matters over a large window.
    public static DateTimeOffset FromText(string text) =>
        DateTimeOffset.TryParseExact(text, Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : Shared.Parse(text);

    /// <summary>
    /// A timestamp column of a raw reader on either provider: SQLite's text, or PostgreSQL's <c>timestamptz</c>
    /// (a UTC <see cref="DateTime"/>).
    /// </summary>
    // Read by type, not through GetValue: a planning run reads three timestamps for each of its readers.
    public static DateTimeOffset Read(System.Data.Common.DbDataReader row, int ordinal) =>
        row is Npgsql.NpgsqlDataReader && row.GetFieldType(ordinal) == typeof(DateTime)
            ? new DateTimeOffset(DateTime.SpecifyKind(row.GetDateTime(ordinal), DateTimeKind.Utc))
            : FromText(row.GetString(ordinal));

    /// <summary>Sets a raw command's parameter to a timestamp, in the form its provider stores (see <see cref="SetValue"/>).</summary>
    public static void Bind(IDbDataParameter parameter, DateTimeOffset value) => Shared.SetValue(parameter, value);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        if (parameter is Npgsql.NpgsqlParameter)
        {
            parameter.Value = ToInstant(value);
            parameter.DbType = DbType.DateTimeOffset;
            return;
        }
        parameter.DbType = DbType.String;
        parameter.Value = ToText(value);
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        DateTimeOffset offset => offset.ToUniversalTime(),
        _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}"),
    };
}
