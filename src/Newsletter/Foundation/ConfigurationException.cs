namespace Newsletter.Foundation;

/// <summary>A setting that stops start-up: carries the config key so the operator sees exactly what to fix.</summary>
public sealed class ConfigurationException(string key, string problem) : Exception($"{key}: {problem}")
{
    /// <summary>The config key at fault, e.g. <c>Smtp:Security</c>.</summary>
    public string Key { get; } = key;
}
