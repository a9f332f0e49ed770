namespace Newsletter.Storage;

/// <summary>
/// <c>storage copy</c> will not run (the target already holds rows, or the two schemas hold a table or column the
/// copy does not know), or a copied table's row count differs; nothing was written.
/// </summary>
public sealed class StorageCopyRefusedException(string message) : Exception(message);
