namespace Newsletter.Mail;

/// <summary>The <c>Dkim</c> config section: when all three keys are set, every digest is DKIM-signed.</summary>
public sealed class DkimOptions
{
    public const string Section = "Dkim";

    /// <summary>The signing domain (<c>d=</c>), normally the domain of <c>Mail:From</c>.</summary>
    public string Domain { get; set; } = "";

    /// <summary>The selector (<c>s=</c>): the public key is published at <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>.</summary>
    public string Selector { get; set; } = "";

    /// <summary>PEM file holding the RSA private key, relative to the content root unless absolute.</summary>
    public string PrivateKeyPath { get; set; } = "";

    /// <summary>True when signing is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) || !string.IsNullOrWhiteSpace(Selector) || !string.IsNullOrWhiteSpace(PrivateKeyPath);
}
