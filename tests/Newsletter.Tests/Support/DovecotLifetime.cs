namespace Newsletter.Tests;

/// <summary>Stops the shared Dovecot (see <see cref="Support.Dovecot"/>) once every test has run.</summary>
[SetUpFixture]
public sealed class DovecotLifetime
{
    [OneTimeTearDown]
    public void Stop() => Support.Dovecot.StopShared();
}
