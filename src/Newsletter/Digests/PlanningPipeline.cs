using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Newsletter.Digests;

/// <summary>
/// Takes a planning run's pages from read to written, in the order they were read. In order: <c>rank</c> (the
/// page's digests, with their highlights decided), then <c>write</c> (their ledger rows; returns rows created and
/// readers advanced).
/// </summary>
/// <remarks>
/// Serial (one ranking worker, as before): the planner ranks each page itself and hands it to one writer task while
/// it reads the next. Overlapped: the planner only reads pages; a ranking thread ranks and marks them, and a writing
/// thread writes them, each taking its pages in order, so on two cores the three steps of neighbouring pages run at
/// once. At most one page waits before each step, so memory stays flat in readers. Either way a page handed over is
/// written (or fails) before <see cref="Complete"/> returns, and no page is written after one that failed.
/// </remarks>
internal sealed class PlanningPipeline : IDisposable
{
    private readonly Func<DuePage, PlannedDigest[]> _rank;
    private readonly Func<PlannedDigest[], (int Planned, int Advanced)> _write;
    private readonly BlockingCollection<DuePage>? _toRank;
    private readonly BlockingCollection<PlannedDigest[]>? _toWrite;
    private readonly CancellationTokenSource _failed = new();
    private readonly Thread? _ranker, _writer;
    private Task<(int Planned, int Advanced)>? _writing;
    private Exception? _failure;
    private int _written;

    public PlanningPipeline(bool overlapped, Func<DuePage, PlannedDigest[]> rank, Func<PlannedDigest[], (int Planned, int Advanced)> write)
    {
        (_rank, _write) = (rank, write);
        if (!overlapped) return;
        (_toRank, _toWrite) = (new BlockingCollection<DuePage>(1), new BlockingCollection<PlannedDigest[]>(1));
        // Threads of their own, not the pool's: ranking asks the pool for its helpers, which must find it free.
        _ranker = new Thread(RankPages) { IsBackground = true, Name = "Plan ranking" };
        _writer = new Thread(WritePages) { IsBackground = true, Name = "Plan writing" };
        _ranker.Start();
        _writer.Start();
    }

    /// <summary>Ledger rows created by the pages written so far.</summary>
    public int Planned { get; private set; }

    /// <summary>Readers advanced by the pages written so far.</summary>
    public int Advanced { get; private set; }

    /// <summary>Pages written so far (in the order they were read).</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Hands a page over; false when a step failed, so reading more is pointless (<see cref="Complete"/> throws why).</summary>
    public bool Add(DuePage page)
    {
        if (_toRank is null)
        {
            var digests = _rank(page);
            FinishWriting();
            _writing = Task.Run(() => _write(digests));
            return true;
        }
        try
        {
            _toRank.Add(page, _failed.Token);
            return true;
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits until every page handed over is written; throws the first failure of any step.</summary>
    public void Complete()
    {
        if (_toRank is null)
        {
            FinishWriting();
            return;
        }
        _toRank.CompleteAdding();
        _ranker!.Join();
        _writer!.Join();
        if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    private void FinishWriting()
    {
        if (_writing is null) return;
        var writing = _writing;
        _writing = null;
        Count(writing.GetAwaiter().GetResult());
    }

    private void Count((int Planned, int Advanced) page)
    {
        Planned += page.Planned;
        Advanced += page.Advanced;
        Interlocked.Increment(ref _written);
    }

    private void RankPages()
    {
        try
        {
            foreach (var page in _toRank!.GetConsumingEnumerable(_failed.Token)) _toWrite!.Add(_rank(page), _failed.Token);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested)
        {
            // The writer failed: nothing more can be written.
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            // What was ranked before is still written.
            _toWrite!.CompleteAdding();
        }
    }

    private void WritePages()
    {
        try
        {
            foreach (var digests in _toWrite!.GetConsumingEnumerable()) Count(_write(digests));
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _failure, e, null);
        _failed.Cancel();
    }

    public void Dispose()
    {
        _toRank?.Dispose();
        _toWrite?.Dispose();
        _failed.Dispose();
    }
}
