using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Subscriptions;

namespace Newsletter.Bounces;

/// <summary>
/// Ties a report to the ledger: the signed VERP address it was delivered to, else the signed
/// <c>X-Newsletter-Delivery</c> header of the returned message, else the returned Message-ID, else the failed
/// recipient's address (then the reader, not a row). Only the first two prove the report is about our mail.
/// </summary>
public sealed class BounceMatcher(BounceAddress tokens, DeliveryStore ledger, SubscriberStore subscribers)
{
    public BounceMatch Match(BounceReport report, string? recipient)
    {
        foreach (var address in report.EnvelopeAddresses)
        {
            if (tokens.ReadAddress(address) is { } id && ledger.Find(id) is { } row)
                return new BounceMatch(row.SubscriberId, row.Id, BounceMatches.Verp);
        }
        if (tokens.ReadToken(report.ReturnedToken) is { } headerId && ledger.Find(headerId) is { } headerRow)
            return new BounceMatch(headerRow.SubscriberId, headerRow.Id, BounceMatches.Header);
        if (!string.IsNullOrWhiteSpace(report.ReturnedMessageId) && ledger.FindByMessageId(report.ReturnedMessageId) is { } sent)
            return new BounceMatch(sent.SubscriberId, sent.Id, BounceMatches.MessageId);
        return ByAddress(recipient, BounceMatches.Address);
    }

    /// <summary>The reader with this address, or no match.</summary>
    public BounceMatch ByAddress(string? address, string matchedBy)
    {
        var normalized = EmailAddressNormalizer.TryNormalize(address, out _);
        return normalized is not null && subscribers.FindByEmail(normalized) is { } reader
            ? new BounceMatch(reader.Id, null, matchedBy)
            : BounceMatch.None;
    }
}
