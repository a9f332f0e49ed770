using Microsoft.Data.Sqlite;

namespace Newsletter.Subscriptions;

/// <summary>
/// The prepared statement that advances a group of readers' digest windows (<see cref="SubscriberStore.PrepareWindowAdvance"/>),
/// reused for every group of a planning transaction.
/// </summary>
internal sealed class WindowAdvance : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter _lastSeq, _nextDueAt, _subscriberIds, _previousDueAt;

    internal WindowAdvance(SqliteCommand command)
    {
        _command = command;
        _lastSeq = command.Parameters.Add("$lastSeq", SqliteType.Integer);
        _nextDueAt = command.Parameters.Add("$nextDueAt", SqliteType.Text);
        _subscriberIds = command.Parameters.Add("$subscriberIds", SqliteType.Text);
        _previousDueAt = command.Parameters.Add("$previousDueAt", SqliteType.Text);
    }

    /// <summary>
    /// Moves the readers in <paramref name="subscriberIdsJson"/> (a JSON array) that are still confirmed and due at
    /// <paramref name="previousDueAt"/>; adds the ids it moved to <paramref name="moved"/>. Times as stored text.
    /// </summary>
    public void Run(long lastSeq, string nextDueAt, string subscriberIdsJson, string previousDueAt, ISet<long> moved)
    {
        _lastSeq.Value = lastSeq;
        _nextDueAt.Value = nextDueAt;
        _subscriberIds.Value = subscriberIdsJson;
        _previousDueAt.Value = previousDueAt;
        using var reader = _command.ExecuteReader();
        while (reader.Read()) moved.Add(reader.GetInt64(0));
    }

    public void Dispose() => _command.Dispose();
}
