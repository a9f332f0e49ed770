namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// Where a child's memory sits while it runs, sampled five times a second: the resident set, the managed heap the
/// collector last saw live (and what it had committed, with its generations' sizes then), and SQLite's own allocations (every connection's page cache,
/// the window's in-memory index, statements). The peak of each is reported; they peak at different moments, so they
/// need not add up to the peak resident set.
/// </summary>
public sealed class MemorySplit : IDisposable
{
    private const double Mb = 1048576.0;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private double _rss, _heap, _committed, _sqlite;
    private (double[] Mb, int[] Collections) _generations = ([], []);

    public MemorySplit() => _timer = new Timer(_ => Sample(), null, 0, 200);

    private void Sample()
    {
        var info = GC.GetGCMemoryInfo();
        var rss = ProcessMemory.CurrentMb();
        lock (_lock)
        {
            _rss = Math.Max(_rss, rss);
            _heap = Math.Max(_heap, info.HeapSizeBytes / Mb);
            // Where the collector's largest commitment sat: each generation's size when it last collected (gen0, gen1,
            // gen2, large objects, pinned), and how many collections of each the run had made by then.
            if (info.TotalCommittedBytes / Mb > _committed)
            {
                var generations = info.GenerationInfo;
                var sizes = new double[generations.Length];
                for (var g = 0; g < sizes.Length; g++) sizes[g] = Math.Round(generations[g].SizeBeforeBytes / Mb);
                _generations = (sizes, [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)]);
            }
            _committed = Math.Max(_committed, info.TotalCommittedBytes / Mb);
            _sqlite = Math.Max(_sqlite, SQLitePCL.raw.sqlite3_memory_used() / Mb);
        }
    }

    /// <summary>The peaks so far, in MB: resident set, managed heap after a collection, committed by the collector, SQLite.</summary>
    public object Peaks()
    {
        Sample();
        lock (_lock)
            return new
            {
                rssMb = Math.Round(_rss), heapMb = Math.Round(_heap), gcCommittedMb = Math.Round(_committed),
                sqliteMb = Math.Round(_sqlite), generationsMb = _generations.Mb, collections = _generations.Collections, sqliteHighMb = Math.Round(SQLitePCL.raw.sqlite3_memory_highwater(0) / Mb),
            };
    }

    public void Dispose() => _timer.Dispose();
}
