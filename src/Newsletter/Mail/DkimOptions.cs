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

    /// <summary>
    /// Each bad setting as one line naming its key (the key file is read, relative to <paramref name="contentRoot"/>);
    /// none when all are usable or DKIM is off. Checked at start.
    /// </summary>
    public IEnumerable<string> Problems(string contentRoot)
    {
        if (!Enabled) yield break;
        const string s = Section;
        if (string.IsNullOrWhiteSpace(Domain)) yield return $"{s}:Domain: is missing; set it with {s}:Selector and {s}:PrivateKeyPath, or clear all three";
        if (string.IsNullOrWhiteSpace(Selector)) yield return $"{s}:Selector: is missing; set it with {s}:Domain and {s}:PrivateKeyPath, or clear all three";
        if (string.IsNullOrWhiteSpace(PrivateKeyPath))
        {
            yield return $"{s}:PrivateKeyPath: is missing; set it with {s}:Domain and {s}:Selector, or clear all three";
            yield break;
        }
        if (MessageSigner.KeyProblem(MessageSigner.ResolvePath(PrivateKeyPath, contentRoot)) is { } keyProblem) yield return keyProblem;
    }
}
