namespace Newsletter.Digests;

/// <summary>What one planning run did: readers seen, rows created, and the matching work it took.</summary>
/// <param name="Readers">Due readers planned (their windows advanced, or would be in a dry run).</param>
/// <param name="Planned">Ledger rows created (or that would be).</param>
/// <param name="Empty">Readers with no new papers (no row unless <c>Digest:SendEmpty</c>).</param>
/// <param name="DistinctFilters">Distinct filters (topic or keyword) among the due readers.</param>
/// <param name="FilterQueries">Full-text queries run: at most one per distinct filter.</param>
/// <param name="WindowPapers">Papers in the run's window.</param>
public sealed record PlanRun(int Readers, int Planned, int Empty, int DistinctFilters, int FilterQueries, int WindowPapers);
