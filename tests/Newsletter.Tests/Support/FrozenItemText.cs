using Newsletter.Matching;

namespace Newsletter.Tests.Support;

/// <summary>A frozen list as one line of text (paper, labels, score, marks per item), so two lists compare field by field in one assertion.</summary>
public static class FrozenItemText
{
    public static string Of(IReadOnlyList<DigestItem> items) =>
        string.Join(";", items.Select(i => $"{i.Paper}|{string.Join(",", i.Labels)}|{i.Score}|{string.Join(",", i.Marks.ToArray())}"));
}
