using System.Text;
using System.Text.Json;

namespace Newsletter.Bounces;

/// <summary>
/// One Amazon SNS message as POSTed to an HTTP(S) subscription: its fields, and the string its signature covers
/// (each signed field's name and value on lines of their own, in the order SNS documents).
/// </summary>
public sealed record SnsMessage(
    string Type, string MessageId, string TopicArn, string Message, string Timestamp, string? Subject, string? Token,
    string? SubscribeUrl, string SignatureVersion, string Signature, string SigningCertUrl)
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    /// <summary>The message in a body, or null when a field SNS always sends is missing (then it cannot be verified).</summary>
    public static SnsMessage? Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return null;
        var type = Field(body, "Type");
        if (type is not (Notification or SubscriptionConfirmation or UnsubscribeConfirmation)) return null;
        var confirmation = type != Notification;
        if (Field(body, "MessageId") is not { } id || Field(body, "TopicArn") is not { } topic || Field(body, "Message") is not { } message
            || Field(body, "Timestamp") is not { } timestamp || Field(body, "SignatureVersion") is not { } version
            || Field(body, "Signature") is not { } signature || Field(body, "SigningCertURL") is not { } certificate)
            return null;
        var token = Field(body, "Token");
        var subscribe = Field(body, "SubscribeURL");
        if (confirmation && (token is null || subscribe is null)) return null;
        return new SnsMessage(type, id, topic, message, timestamp, Field(body, "Subject"), token, subscribe, version, signature, certificate);
    }

    /// <summary>The bytes the signature covers.</summary>
    public byte[] StringToSign()
    {
        var text = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null) text.Append(name).Append('\n').Append(value).Append('\n');
        }
        Add("Message", Message);
        Add("MessageId", MessageId);
        if (Type == Notification)
        {
            Add("Subject", Subject);
            Add("Timestamp", Timestamp);
        }
        else
        {
            Add("SubscribeURL", SubscribeUrl);
            Add("Timestamp", Timestamp);
            Add("Token", Token);
        }
        Add("TopicArn", TopicArn);
        Add("Type", Type);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string? Field(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
