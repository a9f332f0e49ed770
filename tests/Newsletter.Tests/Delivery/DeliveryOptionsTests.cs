using Newsletter.Delivery;

namespace Newsletter.Tests.Delivery;

public class DeliveryOptionsTests
{
    [Test]
    public void DefaultRetries_AreSpreadOverAtLeast24Hours_BeforeARowIsGivenUp()
    {
        var defaults = new DeliveryOptions();

        Assert.That(defaults.RetrySpan, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(24)));
        Assert.That(Enumerable.Range(1, 4).Select(a => defaults.RetryDelay(a).TotalMinutes), Is.EqualTo(new[] { 5.0, 10, 20, 40 }),
            "each delay doubles the one before");
    }

    [Test]
    public void AppSettings_HoldsEveryDeliveryAndDkimKey_WithTheClassDefaults()
    {
        // appsettings.json holds // comments (example sources), which .NET's configuration reads.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Support.RepositoryPaths.Root, "appsettings.json")),
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        var delivery = json.RootElement.GetProperty("Delivery");
        var defaults = new DeliveryOptions();
        foreach (var property in typeof(DeliveryOptions).GetProperties().Where(p => p.CanWrite))
        {
            Assert.That(delivery.TryGetProperty(property.Name, out var value), Is.True, $"Delivery:{property.Name} is in appsettings.json");
            Assert.That(value.ToString(), Is.EqualTo(Convert.ToString(property.GetValue(defaults), System.Globalization.CultureInfo.InvariantCulture)),
                $"Delivery:{property.Name} has the class default");
        }
        var dkim = json.RootElement.GetProperty("Dkim");
        Assert.That(new[] { "Domain", "Selector", "PrivateKeyPath" }.Select(k => dkim.GetProperty(k).GetString()), Is.All.Empty);
    }
}
