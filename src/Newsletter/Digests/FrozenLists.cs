using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The item lists one planning run has frozen, by content, so a list that many readers get (the same papers, labels,
/// scores and marks, whichever filters led there) is stored once a run (see <see cref="DeliveryStore.Plan"/>). A list
/// is known by a 128-bit hash of its fields (<see cref="KeyOf"/>); the run keeps the hash and the stored list's id,
/// about 40 bytes per distinct list, never the lists or anything per reader.
/// </summary>
public sealed class FrozenLists
{
    private readonly Dictionary<UInt128, long> _ids = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    // Keys are compared within one run only, so each run hashes with a seed of its own: no list can be made to
    // collide with another ahead of time.
    private readonly long _seed = Random.Shared.NextInt64();
    private DateTimeOffset? _at;

    /// <summary>How many distinct lists the run has stored.</summary>
    public int Count => _ids.Count;

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

    internal long? Find(UInt128 key) => _ids.TryGetValue(key, out var id) ? id : null;

    internal void Add(UInt128 key, long id) => _ids[key] = id;

    internal void Forget(UInt128 key) => _ids.Remove(key);

    /// <summary>The key of a list's content: every field of every item, in order, hashed (not thread-safe: one writer a run).</summary>
    /// <remarks>
    /// The fields are laid out in one span sized first, by index rather than through enumerators: this runs once per
    /// reader, and writing the fields a value at a time through the buffer cost more than hashing them (BENCHMARKS).
    /// The hash is XXH3's 128 bits (System.IO.Hashing), not a cryptographic one: a list is the planner's output for
    /// one reader (papers, scores, marks), of which a reader chooses only their own labels, and the seed is drawn per
    /// run, so only chance collisions matter: about 2^-128 a pair of lists, and a run of 10^6 distinct lists has
    /// ~5·10^11 pairs, so about 2^-89 a run. SHA-256 of the same bytes cost the writer ~0.25 s of CPU per 100,000
    /// readers more (BENCHMARKS, "Planning's ledger writer, second round").
    /// </remarks>
    internal UInt128 KeyOf(IReadOnlyList<DigestItem> items)
    {
        var size = 4;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            size += 8 + 8 + 4 + 4 + 4 * item.Marks.Length;
            for (var l = 0; l < item.Labels.Count; l++) size += 4 + 2 * item.Labels[l].Length;
        }
        _buffer.ResetWrittenCount();
        var span = _buffer.GetSpan(size);
        var at = Write(span, 0, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], item.Paper);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], BitConverter.DoubleToInt64Bits(item.Score));
            at = Write(span, at + 16, item.Labels.Count);
            for (var l = 0; l < item.Labels.Count; l++)
            {
                var label = item.Labels[l];
                at = Write(span, at, label.Length);
                MemoryMarshal.AsBytes(label.AsSpan()).CopyTo(span[at..]);
                at += 2 * label.Length;
            }
            // No marks hash as -1, as a null array did: planning never made an empty one, and empty ones write no JSON.
            at = Write(span, at, item.Marks.IsEmpty ? -1 : item.Marks.Length);
            foreach (var mark in item.Marks.Span) at = Write(span, at, mark);
        }
        return XxHash128.HashToUInt128(span[..at], _seed);
    }

    private static int Write(Span<byte> span, int at, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
        return at + 4;
    }
}
