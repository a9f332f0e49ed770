namespace Newsletter.Subscriptions;

/// <summary>
/// Tells whoever sends confirmation emails that a row was queued, so it goes out within seconds instead of at the
/// next sweep. Many requests before a sender starts wake it once.
/// </summary>
public sealed class ConfirmationSignal
{
    private int _waiting;

    /// <summary>Raised when a row is queued and no wake is outstanding.</summary>
    public event Action? Wake;

    /// <summary>A confirmation row was committed.</summary>
    public void Queued()
    {
        if (Interlocked.Exchange(ref _waiting, 1) == 0) Wake?.Invoke();
    }

    /// <summary>A sender is starting: rows queued from now on need a new wake.</summary>
    public void Taken() => Interlocked.Exchange(ref _waiting, 0);
}
