namespace Newsletter.Benchmarks.Harness;

/// <summary>The <c>--name value</c> pairs a child verb is given by the run that started it.</summary>
public sealed class ChildArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ChildArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i + 1 < args.Count; i += 2) _values[args[i].TrimStart('-')] = args[i + 1];
    }

    public string this[string name] =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing --{name}");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    /// <summary>Settings every benchmark host gets: its own database, its own pickup folder, listings of any size.</summary>
    public Dictionary<string, string?> HostSettings()
    {
        var database = this["db"];
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Database"] = database,
            ["Smtp:Host"] = "",
            ["Smtp:PickupDirectory"] = Path.Combine(Path.GetDirectoryName(database)!, "outbox"),
            ["Ingest:MaxSourceBytes"] = "1073741824",
            ["Site:BaseUrl"] = "http://newsletter.example.com",
        };
        // --pg: the same child on PostgreSQL (issue 17's scenarios); --db then only places the pickup folder.
        if (Optional("pg") is { } postgres)
        {
            settings["Storage:Provider"] = "postgres";
            settings["Storage:ConnectionString"] = postgres;
        }
        return settings;
    }

    /// <summary>
    /// <see cref="HostSettings"/> for a child that sends: the relay at <c>--sink host:port</c> without TLS,
    /// <c>--connections</c>, and DKIM signing with <c>--dkim-key</c> when given.
    /// </summary>
    public Dictionary<string, string?> SenderSettings()
    {
        var settings = HostSettings();
        var sink = this["sink"];
        settings["Smtp:Host"] = sink[..sink.LastIndexOf(':')];
        settings["Smtp:Port"] = sink[(sink.LastIndexOf(':') + 1)..];
        settings["Smtp:Security"] = "none";
        settings["Delivery:Connections"] = this["connections"];
        if (Optional("dkim-key") is { } key)
        {
            settings["Dkim:Domain"] = "newsletter.localhost";
            settings["Dkim:Selector"] = "bench";
            settings["Dkim:PrivateKeyPath"] = key;
        }
        return settings;
    }
}
