using MimeKit;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>A rendered digest and the reader links inside it (the sender puts the unsubscribe link in the headers).</summary>
public sealed record ComposedDigest(MimeMessage Message, DigestLinks Links);
