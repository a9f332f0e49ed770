using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The item lists one planning run has frozen, by content, so a list that many readers get (the same papers, labels,
/// scores and marks, whichever filters led there) is stored once a run (see <see cref="DeliveryStore.Plan"/>). A list
/// is known by the SHA-256 of its fields; the run keeps 16 bytes of it and the stored list's id, about 40 bytes per
/// distinct list, never the lists or anything per reader.
/// </summary>
public sealed class FrozenLists
{
    private readonly Dictionary<UInt128, long> _ids = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    /// <summary>How many distinct lists the run has stored.</summary>
    public int Count => _ids.Count;

    internal long? Find(UInt128 key) => _ids.TryGetValue(key, out var id) ? id : null;

    internal void Add(UInt128 key, long id) => _ids[key] = id;

    internal void Forget(UInt128 key) => _ids.Remove(key);

    /// <summary>The key of a list's content: every field of every item, in order, hashed (not thread-safe: one writer a run).</summary>
    internal UInt128 KeyOf(IReadOnlyList<DigestItem> items)
    {
        _buffer.ResetWrittenCount();
        Write(items.Count);
        foreach (var item in items)
        {
            Write(item.Paper);
            Write(BitConverter.DoubleToInt64Bits(item.Score));
            Write(item.Labels.Count);
            foreach (var label in item.Labels)
            {
                Write(label.Length);
                var chars = MemoryMarshal.AsBytes(label.AsSpan());
                chars.CopyTo(_buffer.GetSpan(chars.Length));
                _buffer.Advance(chars.Length);
            }
            var marks = item.Marks ?? [];
            Write(item.Marks is null ? -1 : marks.Length);
            foreach (var mark in marks) Write(mark);
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_buffer.WrittenSpan, digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    private void Write(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    private void Write(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }
}
