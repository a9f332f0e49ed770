using Newsletter.Storage;
using Npgsql;

namespace Newsletter.Tests.Storage;

public sealed class TransientRetryTests
{
    private static PostgresException Failure(string sqlState) => new("ended by the test", "ERROR", "ERROR", sqlState);

    [TestCase(PostgresErrorCodes.DeadlockDetected)]
    [TestCase(PostgresErrorCodes.SerializationFailure)]
    public void ADeadlockVictimOrSerializationFailure_RunsAgain_AndItsResultIsReturned(string sqlState)
    {
        var calls = 0;
        var result = TransientRetry.Run(() => ++calls < 3 ? throw Failure(sqlState) : calls * 10);
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(3));
            Assert.That(result, Is.EqualTo(30));
        });
    }

    [Test]
    public void AnyOtherDatabaseError_IsPassedOnAtOnce()
    {
        var calls = 0;
        Assert.That(() => TransientRetry.Run(() => { calls++; throw Failure(PostgresErrorCodes.UniqueViolation); }),
            Throws.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).EqualTo(PostgresErrorCodes.UniqueViolation));
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void ADeadlockThatKeepsComingBack_IsPassedOnAfterTheLastAttempt()
    {
        var calls = 0;
        Assert.That(() => TransientRetry.Run(() => { calls++; throw Failure(PostgresErrorCodes.DeadlockDetected); }),
            Throws.InstanceOf<PostgresException>());
        Assert.That(calls, Is.EqualTo(TransientRetry.Attempts));
    }
}
