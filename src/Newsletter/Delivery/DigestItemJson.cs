using System.Text.Json.Serialization;

namespace Newsletter.Delivery;

/// <summary>
/// Serialization of frozen digest items generated at build time: planning writes one items list per reader, and
/// the generated writer skips reflection. The JSON is the same as the default serializer's.
/// </summary>
[JsonSerializable(typeof(IReadOnlyList<DigestItem>))]
internal sealed partial class DigestItemJson : JsonSerializerContext;
