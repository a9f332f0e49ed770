namespace Newsletter.Storage;

/// <summary>One table moved by <c>storage copy</c>: the rows read from SQLite and the rows PostgreSQL then holds.</summary>
public sealed record CopiedTable(string Table, long SourceRows, long TargetRows);
