using System.Runtime.CompilerServices;
using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// The item lists one planning run has frozen, by list object, so a list shared by readers on many pages is stored
/// once (see <see cref="DeliveryStore.Plan"/>). Held weakly: a list the run no longer uses is forgotten with it, so
/// memory follows the lists in use, not the readers planned.
/// </summary>
public sealed class FrozenLists
{
    private readonly ConditionalWeakTable<IReadOnlyList<DigestItem>, object> _ids = new();

    internal long? Find(IReadOnlyList<DigestItem> items) => _ids.TryGetValue(items, out var id) ? (long)id : null;

    internal void Add(IReadOnlyList<DigestItem> items, long id) => _ids.AddOrUpdate(items, id);

    internal void Forget(IReadOnlyList<DigestItem> items) => _ids.Remove(items);
}
