namespace Newsletter.Delivery;

/// <summary>One paper as a digest shows it, in the HTML part and in the text part (<c>digest.paper.*.sbn</c>).</summary>
public sealed record PaperFragment(string Html, string Text);
