namespace Newsletter.Delivery;

/// <summary>
/// How a bounce event was tied to a reader. Only proofs that we sent the message (our session, the signed VERP
/// address or header, a provider's signed webhook) may change a reader: anyone can write a report naming an
/// address or guessing a Message-ID, so those are recorded and change nothing.
/// </summary>
public static class BounceMatches
{
    public const string Smtp = "smtp";
    public const string Verp = "verp";
    public const string Header = "header";
    public const string MessageId = "message-id";
    public const string Address = "address";
    /// <summary>A provider's signed webhook, by its message id, our header or the address.</summary>
    public const string Provider = "provider";
    public const string None = "none";

    /// <summary>True when an event matched this way may change the reader's state.</summary>
    public static bool Proves(string matchedBy) => matchedBy is Smtp or Verp or Header or Provider;
}
