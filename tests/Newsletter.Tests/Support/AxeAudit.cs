using System.Text.Json;
using Microsoft.Playwright;

namespace Newsletter.Tests.Support;

/// <summary>
/// Runs axe-core (from npm, installed into tests/node_modules by tests/install-deps.sh) inside a Chromium page and
/// reports its violations of WCAG 2.0/2.1 A and AA and of axe's best practices.
/// </summary>
public static class AxeAudit
{
    public static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    private static readonly string ScriptPath = Path.Combine(RepositoryPaths.Root, "tests", "node_modules", "axe-core", "axe.min.js");

    /// <summary>
    /// Each violation as "rule (impact): help" followed by the offending nodes and what is wrong with them; every rule
    /// of <see cref="Tags"/>, or only the given <paramref name="rules"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, IReadOnlyList<string>? rules = null)
    {
        if (!File.Exists(ScriptPath)) Assert.Fail("axe-core is not installed: run tests/install-deps.sh axe-core (tests/run.sh does)");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = ScriptPath });
        var json = await page.EvaluateAsync<string>(
            """
            async ([tags, rules]) => {
              const only = rules.length ? { type: 'rule', values: rules } : { type: 'tag', values: tags };
              const result = await axe.run(document, { runOnly: only, resultTypes: ['violations'] });
              return JSON.stringify(result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ').trim())
              })));
            }
            """,
            new object[] { Tags, rules ?? [] });
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(v =>
            $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()}\n    " +
            string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))).ToList();
    }

    /// <summary>Fails the test with every violation's rule and nodes printed.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string what, IReadOnlyList<string>? rules = null)
    {
        var violations = await ViolationsAsync(page, rules);
        Assert.That(violations, Is.Empty, $"axe-core found {violations.Count} violation(s) on {what} ({page.Url}):\n" + string.Join("\n", violations));
    }
}
