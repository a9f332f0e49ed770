using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 7 (issue 15): GET /admin, the operator's overview, over the ingested history plus 1,000,000 readers (three
/// topics each, a mix of states, sign-ups spread over a year) and 10,000,000 ledger rows over 100 days (0.5% failed
/// with a bounce, some unknown), written in bulk through the same triggers that keep the rollups when rows change one
/// at a time. The served executable over loopback HTTP; the quick run has a tenth of each.
/// </summary>
public static class AdminPageScenario
{
    private const double TargetMs = 500;
    private const string Password = "benchmark operator password";

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        var readers = options.Quick ? 100_000 : 1_000_000;
        var rows = options.Quick ? 1_000_000 : 10_000_000;
        var database = BenchData.Copy(historyPath, "admin.db");
        try
        {
            var filling = Stopwatch.StartNew();
            Fill(database, data.Topics.Select(t => t.Slug).ToList(), readers, rows);
            BenchData.Settle(database);
            Console.WriteLine($"  admin: {readers:#,0} readers and {rows:#,0} ledger rows written in {filling.Elapsed.TotalSeconds:0} s");

            await using var web = await WebLoad.StartAsync(options, database, new Dictionary<string, string> { ["Admin__Password"] = Password });
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web.Port}"), Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password)));
            var first = await TimeAsync(http, "/admin");
            var timings = new List<double>();
            for (var i = 0; i < 20; i++) timings.Add(await TimeAsync(http, i % 2 == 0 ? "/admin" : "/admin?days=90"));
            timings.Sort();
            var p50 = timings[timings.Count / 2];
            table.Record("admin", $"{readers:#,0} readers, {rows:#,0} ledger rows",
                $"admin: GET /admin (30 and 90 days) over {readers:#,0} readers and {rows:#,0} ledger rows: p50 {p50:0} ms, " +
                $"max {timings[^1]:0} ms over {timings.Count} requests (first, cold: {first:0} ms)",
                $"< {TargetMs:0} ms", timings[^1] < TargetMs);
        }
        finally
        {
            BenchData.Delete(database);
        }
    }

    private static async Task<double> TimeAsync(HttpClient http, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
        return clock.Elapsed.TotalMilliseconds;
    }

    private static void Fill(string database, IReadOnlyList<string> topics, int readers, int rows)
    {
        using var connection = new Database(database).Open();
        void Run(string sql, params (string Name, object Value)[] parameters)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 0;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            command.ExecuteNonQuery();
        }
        var today = DateTime.UtcNow.Date;
        var yearAgo = today.AddDays(-365).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var hundredDaysAgo = today.AddDays(-100).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Run("BEGIN");
        Run(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $readers)
            INSERT INTO subscribers (email, state, created_at, confirmed_at, unsubscribed_at)
            SELECT 'bench-admin-' || i || '@example.org',
                   CASE WHEN i % 20 = 0 THEN 'unsubscribed' WHEN i % 50 = 1 THEN 'pending' WHEN i % 97 = 0 THEN 'suppressed' ELSE 'confirmed' END,
                   strftime('%Y-%m-%dT%H:%M:%fZ', $start, '+' || (i % 365) || ' days'),
                   CASE WHEN i % 50 = 1 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', $start, '+' || (i % 365) || ' days', '+1 hours') END,
                   CASE WHEN i % 20 = 0 THEN strftime('%Y-%m-%dT%H:%M:%fZ', $start, '+' || (i % 365) || ' days', '+2 days') END
            FROM n
            """,
            ("$readers", readers), ("$start", yearAgo));
        Run("CREATE TEMP TABLE bench_topics (n INTEGER PRIMARY KEY, slug TEXT NOT NULL)");
        for (var i = 0; i < topics.Count; i++) Run("INSERT INTO bench_topics VALUES ($n, $slug)", ("$n", i), ("$slug", topics[i]));
        for (var k = 0; k < 3; k++)
        {
            Run(
                """
                INSERT OR IGNORE INTO subscriber_filters (subscriber_id, kind, value)
                SELECT s.id, 'topic', t.slug FROM subscribers s JOIN bench_topics t ON t.n = (s.id * 7 + $k * 5) % $count
                WHERE s.email LIKE 'bench-admin-%'
                """,
                ("$k", k), ("$count", topics.Count));
        }
        // Each reader gets one row per day: reader = i mod readers, day = i div readers, so (reader, period) is unique.
        Run(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rows - 1)
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, sent_at)
            SELECT (SELECT min(id) FROM subscribers WHERE email LIKE 'bench-admin-%') + i % $readers, 'daily:bench-' || (i / $readers),
                   CASE WHEN i % 200 = 0 THEN 'failed' WHEN i % 997 = 0 THEN 'unknown' WHEN i % 499 = 0 THEN 'retry' ELSE 'sent' END,
                   strftime('%Y-%m-%dT%H:%M:%fZ', $start, '+' || (i * 100 / $rows) || ' days', '+8 hours'),
                   'bench.' || i, '[]', strftime('%Y-%m-%dT%H:%M:%fZ', $start, '+' || (i * 100 / $rows) || ' days', '+8 hours')
            FROM n
            """,
            ("$rows", rows), ("$readers", readers), ("$start", hundredDaysAgo));
        Run(
            """
            INSERT INTO bounce_events (subscriber_id, delivery_id, kind, status, diagnostic, source, matched_by, dedupe_key, received_at)
            SELECT subscriber_id, id, 'hard', '5.1.1', '550 5.1.1 no such user', 'smtp', 'smtp', 'bench:' || id, created_at
            FROM deliveries WHERE state = 'failed'
            """);
        Run("COMMIT");
    }
}
