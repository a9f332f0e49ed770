using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Listings;

/// <summary>Folds a title for deduplication: case, whitespace, punctuation and diacritics do not make another paper.</summary>
public static class TitleNormalizer
{
    public static string Normalize(string title)
    {
        // Compatibility decomposition leaves ASCII as it is; most titles are ASCII, and normalising costs a copy.
        var decomposed = System.Text.Ascii.IsValid(title) ? title : title.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0) builder.Append(' ');
                builder.Append(char.ToLowerInvariant(c));
                pendingSpace = false;
            }
            else
            {
                pendingSpace = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>The stable key of a paper without an arXiv id: a hash of its normalised title.</summary>
    public static string TitleKey(string normalizedTitle) =>
        "title:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedTitle)))[..20];
}
