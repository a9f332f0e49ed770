namespace Newsletter.Mail;

/// <summary>The <c>Smtp</c> config section. An empty <see cref="Host"/> means "write .eml files to the pickup folder".</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;

    /// <summary><c>none</c>, <c>starttls</c> or <c>ssl</c>.</summary>
    public string Security { get; set; } = "none";

    public string User { get; set; } = "";
    public string Password { get; set; } = "";

    /// <summary>Folder for .eml files when no host is set, relative to the content root unless absolute.</summary>
    public string PickupDirectory { get; set; } = "data/outbox";

    /// <summary>Seconds to wait for the server at each step.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Whether to accept any server certificate (test relays with self-signed certificates).</summary>
    public bool AcceptAnyCertificate { get; set; }

    /// <summary>True when messages go to the pickup folder rather than a server.</summary>
    public bool UsesPickupDirectory => string.IsNullOrWhiteSpace(Host);

    public static readonly string[] SecurityModes = ["none", "starttls", "ssl"];

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        if (!SmtpOptions.SecurityModes.Contains(Security, StringComparer.OrdinalIgnoreCase))
            yield return $"{SmtpOptions.Section}:Security: '{Security}' is not one of {string.Join(", ", SmtpOptions.SecurityModes)}";
        if (Port is < 1 or > 65535)
            yield return $"{SmtpOptions.Section}:Port: {Port} is not a TCP port (1-65535)";
        if (UsesPickupDirectory && string.IsNullOrWhiteSpace(PickupDirectory))
            yield return $"{SmtpOptions.Section}:PickupDirectory: must name a folder when {SmtpOptions.Section}:Host is empty";
        if (TimeoutSeconds < 1)
            yield return $"{SmtpOptions.Section}:TimeoutSeconds: must be at least 1";
    }
}
