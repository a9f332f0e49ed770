using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The item lists one planning run has frozen, by content, so a list that many readers get (the same papers, labels,
/// scores and marks, whichever filters led there) is stored once a run (see <see cref="DeliveryStore.Plan"/>). The
/// planner numbers each digest's list as soon as its highlights are decided (<see cref="Number"/>): a list is known by a
/// 128-bit hash of its fields (<see cref="KeyOf"/>), and only the first digest to carry it keeps its items; the others
/// let theirs go and name the list by number. The ledger writer stores each number's list once and keeps its id. The
/// run keeps ~32 bytes per distinct list (its key, its slot in a table of numbers, its id), never the lists or anything
/// per reader.
/// </summary>
/// <remarks>
/// Numbered on the planner's thread, the pages waiting for the writer hold only the run's new lists: at 1,000,000
/// readers nine digests in ten repeat a list already handed over, and their items (20 objects each, with their label
/// lists) were held until the writer had stored the page, long enough for the collector to carry them into its older
/// generations (BENCHMARKS). Numbers and keys are the planner's, ids the writer's: each side touches only its own.
/// </remarks>
public sealed class FrozenLists
{
    // Keys and ids are kept by number in chunks of this many, so only the table of numbers (4 bytes a slot) grows by
    // copying itself: a dictionary of keys and numbers was 7.5 MB at 1,000,000 readers, on the large-object heap beside
    // its dead smaller copies until a full collection (BENCHMARKS, "eighth round").
    private const int ChunkBits = 12;
    private const int Chunk = 1 << ChunkBits;
    // The planner's side: each distinct list's key by number, and a table of numbers by key (open addressing on the
    // key's low bits, which are already a hash: number + 1 in each used slot, 0 in a free one), at most 70% full.
    private readonly List<UInt128[]> _keys = [];
    private int[] _table = new int[1024];
    private int _count;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    // The writer's side: each number's stored list, 0 until stored.
    private readonly List<long[]> _ids = [];
    // Keys are compared within one run only, so each run hashes with a seed of its own: no list can be made to
    // collide with another ahead of time.
    private readonly long _seed = Random.Shared.NextInt64();
    private DateTimeOffset? _at;

    /// <summary>
    /// Notes the time a page of the run writes its lists and rows at: one for the whole run, since retention keeps a
    /// list while any row written at its time is kept (<see cref="FrozenListStore.RemoveUnused"/>); a page at another
    /// time would let a row point at a list of another time, so it is refused.
    /// </summary>
    internal void WrittenAt(DateTimeOffset now)
    {
        if (_at is { } at && at != now)
            throw new InvalidOperationException($"a planning run writes all its pages at one time ({at:O}), not {now:O}");
        _at = now;
    }

    /// <summary>
    /// Numbers the list of each of <paramref name="digests"/>; a digest whose list an earlier digest of the run already
    /// carries lets its items go. The planner calls it once their highlights are decided (marks are part of a list),
    /// on its thread.
    /// </summary>
    internal void Number(IReadOnlyList<PlannedDigest> digests)
    {
        foreach (var digest in digests)
        {
            digest.List = NumberOf(digest.Items, out var known);
            // An empty list has nothing to let go, and its items tell the writer it is empty.
            if (known && digest.Items.Count > 0) digest.LetItemsGo();
        }
    }

    /// <summary>The run's number for the list <paramref name="items"/>, a new one unless an earlier list had the same content.</summary>
    internal int NumberOf(IReadOnlyList<DigestItem> items, out bool known)
    {
        var key = KeyOf(items);
        var slot = Find(_table, key);
        known = _table[slot] != 0;
        if (known) return _table[slot] - 1;
        var number = _count++;
        if ((number & (Chunk - 1)) == 0) _keys.Add(new UInt128[Chunk]);
        _keys[number >> ChunkBits][number & (Chunk - 1)] = key;
        _table[slot] = number + 1;
        if (_count * 10L > _table.Length * 7L) Grow();
        return number;
    }

    /// <summary>The slot of <paramref name="table"/> that holds <paramref name="key"/>'s number, or the free one where it would go.</summary>
    private int Find(int[] table, UInt128 key)
    {
        var mask = table.Length - 1;
        var slot = (int)(ulong)key & mask;
        while (table[slot] is var entry and not 0 && KeyAt(entry - 1) != key) slot = (slot + 1) & mask;
        return slot;
    }

    private UInt128 KeyAt(int number) => _keys[number >> ChunkBits][number & (Chunk - 1)];

    private void Grow()
    {
        var table = new int[_table.Length * 2];
        for (var number = 0; number < _count; number++) table[Find(table, KeyAt(number))] = number + 1;
        _table = table;
    }

    /// <summary>The id of the stored list numbered <paramref name="number"/>, or null when it is not stored yet.</summary>
    internal long? IdOf(int number) =>
        number >> ChunkBits < _ids.Count && _ids[number >> ChunkBits][number & (Chunk - 1)] is var id and not 0 ? id : null;

    internal void Stored(int number, long id)
    {
        while (_ids.Count <= number >> ChunkBits) _ids.Add(new long[Chunk]);
        _ids[number >> ChunkBits][number & (Chunk - 1)] = id;
    }

    /// <summary>
    /// Forgets a list stored by a page whose transaction rolled back. No later page of the run is written after a
    /// failed one (<c>DigestPlanner</c> passes the error on), so no digest that let its items go for it is stored.
    /// </summary>
    internal void Forget(int number) => _ids[number >> ChunkBits][number & (Chunk - 1)] = 0;

    /// <summary>The key of a list's content: every field of every item, in order, hashed (not thread-safe: in a planning run only its planner's thread numbers lists).</summary>
    /// <remarks>
    /// The fields are laid out in one span sized first, by index rather than through enumerators: this runs once per
    /// reader, and writing the fields a value at a time through the buffer cost more than hashing them (BENCHMARKS).
    /// The hash is XXH3's 128 bits (System.IO.Hashing), not a cryptographic one: a list is the planner's output for
    /// one reader (papers, scores, marks), of which a reader chooses only their own labels, and the seed is drawn per
    /// run, so only chance collisions matter: about 2^-128 a pair of lists, and a run of 10^6 distinct lists has
    /// ~5·10^11 pairs, so about 2^-89 a run. SHA-256 of the same bytes cost the writer ~0.25 s of CPU per 100,000
    /// readers more (BENCHMARKS, "Planning's ledger writer, second round").
    /// </remarks>
    private UInt128 KeyOf(IReadOnlyList<DigestItem> items)
    {
        var list = items is List<DigestItem> made ? CollectionsMarshal.AsSpan(made) : items.ToArray();
        var size = 4;
        foreach (var item in list)
        {
            var labels = item.Labels;
            size += 8 + 8 + 4 + 4 + 4 * item.Marks.Length;
            for (var l = 0; l < labels.Count; l++) size += 4 + 2 * labels[l].Length;
        }
        _buffer.ResetWrittenCount();
        var span = _buffer.GetSpan(size);
        var at = Write(span, 0, list.Length);
        foreach (var item in list)
        {
            var labels = item.Labels;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], item.Paper);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], BitConverter.DoubleToInt64Bits(item.Score));
            at = Write(span, at + 16, labels.Count);
            for (var l = 0; l < labels.Count; l++)
            {
                var label = labels[l];
                at = Write(span, at, label.Length);
                MemoryMarshal.AsBytes(label.AsSpan()).CopyTo(span[at..]);
                at += 2 * label.Length;
            }
            // No marks hash as -1, as a null array did: planning never made an empty one, and empty ones write no JSON.
            // The marks go as they lie in memory: a key is compared only within its run, on one machine.
            var marks = MemoryMarshal.AsBytes(item.Marks.Span);
            at = Write(span, at, marks.IsEmpty ? -1 : item.Marks.Length);
            marks.CopyTo(span[at..]);
            at += marks.Length;
        }
        return XxHash128.HashToUInt128(span[..at], _seed);
    }

    private static int Write(Span<byte> span, int at, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
        return at + 4;
    }
}
