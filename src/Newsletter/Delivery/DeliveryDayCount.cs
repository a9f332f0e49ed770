namespace Newsletter.Delivery;

/// <summary>How many ledger rows planned on one day (UTC) are in one state.</summary>
public sealed record DeliveryDayCount(string Day, string State, long Count);
