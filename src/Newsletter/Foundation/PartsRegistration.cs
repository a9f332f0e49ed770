namespace Newsletter.Foundation;

/// <summary>
/// How a folder registers its classes: named once in a list, so its <c>AddX</c> method reads as what the folder holds
/// rather than as one registration call per class.
/// </summary>
public static class PartsRegistration
{
    /// <summary>Registers each of <paramref name="parts"/> as one instance for the life of the process (none holds per-request state).</summary>
    public static IServiceCollection AddShared(this IServiceCollection services, params ReadOnlySpan<Type> parts)
    {
        foreach (var part in parts) services.AddSingleton(part);
        return services;
    }

    /// <summary>Registers each of <paramref name="jobs"/> to be made anew whenever one is asked for: Hangfire makes one per run.</summary>
    public static IServiceCollection AddPerRun(this IServiceCollection services, params ReadOnlySpan<Type> jobs)
    {
        foreach (var job in jobs) services.AddTransient(job);
        return services;
    }
}
