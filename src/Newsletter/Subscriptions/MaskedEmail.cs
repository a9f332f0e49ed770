namespace Newsletter.Subscriptions;

/// <summary>An address shown or logged without giving it away: <c>reader@example.org</c> becomes <c>r***@example.org</c>.</summary>
public static class MaskedEmail
{
    /// <summary>The first character of the local part, three stars, and the domain.</summary>
    public static string Of(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0) return "***";
        // The first character may be half of a surrogate pair; a whole text element keeps the mask valid UTF-16.
        var first = System.Globalization.StringInfo.GetNextTextElementLength(email, 0);
        return email[..Math.Min(first, at)] + "***" + email[at..];
    }
}
