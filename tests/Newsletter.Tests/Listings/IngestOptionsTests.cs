using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>The <c>Ingest</c> section of the shipped appsettings.json: every key, the class defaults, the default source.</summary>
public class IngestOptionsTests
{
    private static readonly string AppSettings = Path.Combine(RepositoryPaths.Root, "appsettings.json");

    [Test]
    public void AppSettings_HoldsEveryIngestKey_WithTheClassDefaults()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(AppSettings), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var ingest = json.RootElement.GetProperty(IngestOptions.Section);
        var defaults = new IngestOptions();

        foreach (var property in typeof(IngestOptions).GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(List<ListingSource>)))
        {
            Assert.That(ingest.TryGetProperty(property.Name, out var value), Is.True, $"Ingest:{property.Name} is in appsettings.json");
            Assert.That(value.ToString(), Is.EqualTo(Convert.ToString(property.GetValue(defaults), System.Globalization.CultureInfo.InvariantCulture)),
                $"Ingest:{property.Name} has the class default");
        }
    }

    [Test]
    public void AppSettings_LoadsWithItsCommentedExamples_AndReadsHuggingFaceDailyPapersByDefault()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(AppSettings).Build();

        var options = configuration.GetSection(IngestOptions.Section).Get<IngestOptions>()!;

        Assert.That(options.Problems(), Is.Empty);
        Assert.That(options.Sources.Select(s => (s.Name, s.Url, s.Format)), Is.EqualTo(new[]
        {
            ("huggingface", "https://huggingface.co/api/daily_papers?date={date}", "hf-json"),
        }), "the commented examples are not sources");
        Assert.That(options.BackfillDays, Is.EqualTo(7));
    }
}
