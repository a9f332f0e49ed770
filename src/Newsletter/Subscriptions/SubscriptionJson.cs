using System.Globalization;
using System.Text.Json;

namespace Newsletter.Subscriptions;

/// <summary>
/// Reads the JSON body of <c>POST /api/subscriptions</c> by hand, so a wrong type in any field becomes an error
/// naming that field instead of a bare 400.
/// </summary>
public static class SubscriptionJson
{
    /// <summary>The input and the type errors found (field → message).</summary>
    public static (SubscriptionInput Input, Dictionary<string, string[]> Errors) Read(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object like {\"email\": \"…\", \"topics\": [\"…\"]}."];
            return (new SubscriptionInput(), errors);
        }
        string? Text(string name)
        {
            if (!TryGet(body, name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            if (value.ValueKind == JsonValueKind.Number && name is SubscriptionValidator.HourField or SubscriptionValidator.WeekdayField)
                return value.TryGetInt32(out var number) ? number.ToString(CultureInfo.InvariantCulture) : "not a whole number";
            errors[name] = [$"{name} must be a {(name is SubscriptionValidator.HourField ? "whole number" : "string")}."];
            return null;
        }
        IReadOnlyList<string> List(string name)
        {
            if (!TryGet(body, name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
            if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
                return value.EnumerateArray().Select(v => v.GetString()!).ToList();
            errors[name] = [$"{name} must be an array of strings."];
            return [];
        }
        var input = new SubscriptionInput
        {
            Email = Text(SubscriptionValidator.EmailField),
            Topics = List(SubscriptionValidator.TopicsField),
            Keywords = List(SubscriptionValidator.KeywordsField),
            Frequency = Text(SubscriptionValidator.FrequencyField),
            Weekday = Text(SubscriptionValidator.WeekdayField),
            Hour = Text(SubscriptionValidator.HourField),
            Timezone = Text(SubscriptionValidator.TimezoneField),
            Order = Text(SubscriptionValidator.OrderField),
        };
        return (input, errors);
    }

    private static bool TryGet(JsonElement body, string name, out JsonElement value)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
