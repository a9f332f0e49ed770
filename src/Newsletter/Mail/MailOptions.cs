namespace Newsletter.Mail;

/// <summary>The <c>Mail</c> config section: who the service's emails come from.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The From address of every email, e.g. <c>Newsletter &lt;digest@example.org&gt;</c>.</summary>
    public string From { get; set; } = "";
}
