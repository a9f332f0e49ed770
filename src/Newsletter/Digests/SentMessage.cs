namespace Newsletter.Digests;

/// <summary>A ledger row's message the server accepted: its reply and when (see <see cref="DeliveryStore.MarkSent(System.Data.Common.DbConnection, IReadOnlyList{SentMessage})"/>).</summary>
public sealed record SentMessage(long Id, string ServerReply, DateTimeOffset At);
