using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Newsletter.Storage;

namespace Newsletter.Web;

/// <summary>
/// The operator's user name and password: from <c>Admin:Password</c> (or the older <c>Jobs:DashboardPassword</c>)
/// when configured, otherwise a password whose PBKDF2 hash is kept in the database. Checks run in constant time.
/// </summary>
public sealed class OperatorCredential(
    IOptions<AdminOptions> admin, IConfiguration configuration, ServerSecretStore secrets, TimeProvider clock,
    ILogger<OperatorCredential> logger)
{
    /// <summary>The <c>server_secrets</c> row holding the hash.</summary>
    public const string SecretName = "operator_password";

    /// <summary>Shortest password <c>admin password</c> accepts.</summary>
    public const int MinimumLength = 12;

    private const int Iterations = 100_000;
    private const string Scheme = "pbkdf2-sha256";

    // One hash computation at a time: wrong guesses cost at most one core, however many arrive together.
    private readonly SemaphoreSlim _hashing = new(1, 1);

    // The last credential that matched the stored hash, as a SHA-256 proof, so an operator's browser (which sends
    // it with every request) costs one PBKDF2 run, not one per request. Tied to the stored value it matched.
    private (string Stored, byte[] Proof)? _accepted;

    /// <summary>The user name operators sign in with.</summary>
    public string User => Configured().User;

    /// <summary>The setting that holds the password when one is configured, else null (the database holds it).</summary>
    public string? ConfiguredIn => Configured().Key;

    /// <summary>
    /// At the first start with no password configured or stored: makes one, keeps only its hash and logs it once.
    /// </summary>
    public void EnsurePassword()
    {
        // Once stored, later starts do nothing (hashing is deliberately slow); TryAdd still settles two first starts at once.
        if (ConfiguredIn is not null || secrets.Find(SecretName) is not null) return;
        var password = NewPassword();
        if (secrets.TryAdd(SecretName, Hash(password), clock.GetUtcNow()))
            logger.LogWarning(
                "No operator password was set, so one was made: user {User}, password {Password}. It is shown this once; " +
                "set Admin:Password or run 'admin password' to change it.", User, password);
    }

    /// <summary>Replaces the stored password (the <c>admin password</c> verb).</summary>
    public void SetPassword(string password) => secrets.Set(SecretName, Hash(password), clock.GetUtcNow());

    /// <summary>A fresh random password (24 URL-safe characters, 144 bits).</summary>
    public static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>True when the user name and password are the operator's.</summary>
    public async Task<bool> VerifyAsync(string user, string password, CancellationToken cancellationToken)
    {
        var (expectedUser, configured, _) = Configured();
        var userMatches = SameText(user, expectedUser);
        if (configured is not null) return userMatches & SameText(password, configured);

        var stored = secrets.Find(SecretName);
        if (stored is null) return false;
        var proof = SHA256.HashData(Encoding.UTF8.GetBytes(user + ":" + password));
        if (_accepted is { } accepted && accepted.Stored == stored && CryptographicOperations.FixedTimeEquals(proof, accepted.Proof))
            return true;
        await _hashing.WaitAsync(cancellationToken);
        bool passwordMatches;
        try
        {
            passwordMatches = Matches(password, stored);
        }
        finally
        {
            _hashing.Release();
        }
        if (userMatches && passwordMatches) _accepted = (stored, proof);
        return userMatches && passwordMatches;
    }

    private (string User, string? Password, string? Key) Configured()
    {
        var options = admin.Value;
        if (options.Password.Length > 0) return (options.User, options.Password, $"{AdminOptions.Section}:Password");
        // The dashboard's own setting from before there was one operator credential: still honoured as the same one.
        var legacy = configuration["Jobs:DashboardPassword"];
        if (!string.IsNullOrEmpty(legacy))
            return (configuration["Jobs:DashboardUser"] is { Length: > 0 } user ? user : options.User, legacy, "Jobs:DashboardPassword");
        return (options.User, null, null);
    }

    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    private static bool SameText(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    private static bool Matches(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations)) return false;
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
