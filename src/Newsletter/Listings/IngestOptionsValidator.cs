using Microsoft.Extensions.Options;

namespace Newsletter.Listings;

/// <summary>Stops start-up on a bad <c>Ingest</c> setting with the key's name.</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
