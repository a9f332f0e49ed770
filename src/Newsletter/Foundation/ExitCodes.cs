namespace Newsletter.Foundation;

/// <summary>What the executable returns: 0 done, and the two failures every verb shares.</summary>
public static class ExitCodes
{
    /// <summary>A start-up problem or a refused request, said in one line.</summary>
    public const int Failed = 1;

    /// <summary>An unknown verb or option, or a bad argument value; the usage (or the problem) is printed.</summary>
    public const int UsageError = 2;
}
