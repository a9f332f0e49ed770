using System.Globalization;
using System.Runtime.InteropServices;
using Newsletter.Benchmarks.Harness;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Mail;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// <c>--profile</c> of the send scenario: the send path's steps run one after the other on one worker (claim → load →
/// compose → sign → send → record), each timed by the process's CPU clock and the bytes it allocated, so the split
/// of a digest's cost can be read apart. Not the product's sender (no pipelining, one connection): a map, not a rate.
/// </summary>
public static class SendProfile
{
    public static async Task<int> RunAsync(BenchHost host, DateTimeOffset at)
    {
        var ledger = host.Get<DeliveryStore>();
        var composer = host.Get<DigestComposer>();
        var headers = host.Get<DeliveryHeaders>();
        var signer = host.Get<MessageSigner>();
        var bounceAddress = host.Get<BounceAddress>();
        var mailer = host.Get<Mailer>();
        var steps = new Steps();
        using var db = ledger.OpenConnection();
        await using var session = mailer.OpenSession();
        var fragments = new PaperFragments();
        var sent = 0;
        var accepted = new List<SentMessage>();
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            var batch = steps.Time("claim", () => ledger.Claim(db, "profile/1", at, now.AddMinutes(10), 50, now, "profile"));
            if (batch.Count == 0) break;
            var loaded = steps.Time("load (readers, tokens, papers, new fragments)", () => composer.Load(batch, fragments));
            foreach (var row in batch)
            {
                var digest = steps.Time("compose (Scriban into the message's bytes)", () => composer.Compose(row, loaded));
                var message = digest.Message;
                steps.Time("sign (headers, body hash, RSA)", () =>
                {
                    headers.Apply(message, digest.Links.Unsubscribe);
                    message.Headers.Replace(BounceAddress.HeaderName, bounceAddress.Token(row.Id));
                    signer.Sign(message);
                    return 0;
                });
                // As the sender's workers send: blocking on the connection (IMailSession.Send).
                var reply = steps.Time("smtp (write, MailKit, the sink's reply)",
                    () => session.Send(message, bounceAddress.ReturnPathFor(row.Id), CancellationToken.None));
                accepted.Add(new SentMessage(row.Id, reply, DateTimeOffset.UtcNow));
                // As the sender's workers do once a message is sent (its body's buffer back to the pool, where it is pooled).
                message.Dispose();
                sent++;
            }
            // As the sender records them: the batch's accepted messages in one transaction.
            steps.Time("record", () =>
            {
                ledger.MarkSent(db, accepted);
                accepted.Clear();
                return 0;
            });
        }
        steps.Print(sent);
        Console.WriteLine($"PROFILE run: {fragments.Count} paper fragments, {fragments.Pieces} reader pieces, {fragments.Frames.Count} digest frames");
        var withFragments = LiveMb(fragments);
        // Dropped (an async method keeps its locals in fields), so the next collection shows what they held.
        fragments = null!;
        Console.WriteLine($"PROFILE live: {withFragments:0.0} MB of managed heap with the run's fragments, {LiveMb(null):0.0} MB without");
        return sent;
    }

    // What a full collection leaves live, with or without what the run kept (which grows with the digests if anything does).
    private static double LiveMb(object? kept)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.KeepAlive(kept);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes / 1048576.0;
    }

    /// <summary>CPU time (user + system, the whole process) and bytes allocated, per named step.</summary>
    private sealed class Steps
    {
        private readonly Dictionary<string, (double CpuMs, long Bytes, long Calls)> _totals = [];

        public T Time<T>(string name, Func<T> step)
        {
            var (cpu, bytes) = (CpuMs(), GC.GetTotalAllocatedBytes());
            var result = step();
            Add(name, CpuMs() - cpu, GC.GetTotalAllocatedBytes() - bytes);
            return result;
        }

        private void Add(string name, double cpuMs, long bytes)
        {
            var (c, b, n) = _totals.GetValueOrDefault(name);
            _totals[name] = (c + cpuMs, b + bytes, n + 1);
        }

        public void Print(int digests)
        {
            var total = _totals.Where(t => !t.Key.StartsWith(' ')).Sum(t => t.Value.CpuMs);
            foreach (var (name, (cpu, bytes, _)) in _totals)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"PROFILE {name,-48} {cpu / Math.Max(digests, 1),7:0.000} ms CPU/digest {100 * cpu / Math.Max(total, 1e-9),5:0}%  {bytes / 1024.0 / Math.Max(digests, 1),8:0.0} KB/digest"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PROFILE {"total",-48} {total / Math.Max(digests, 1),7:0.000} ms CPU/digest over {digests} digests"));
        }

        private static double CpuMs()
        {
            getrusage(0, out var usage);
            return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicros + usage.SystemMicros) / 1000.0;
        }
    }

    // getrusage(RUSAGE_SELF): the process's CPU clock in one cheap system call (Process.TotalProcessorTime reads a file).
    [StructLayout(LayoutKind.Sequential)]
    private struct Usage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public long R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int getrusage(int who, out Usage usage);
}
