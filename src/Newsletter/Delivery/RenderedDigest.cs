namespace Newsletter.Delivery;

/// <summary>A digest rendered through its three templates.</summary>
public sealed record RenderedDigest(string Subject, string Html, string Text);
