using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests;

/// <summary>
/// The shape of src/Newsletter, read from the source files: folders depend one way, in the order data flows (the
/// same list as README's Architecture section); each table is written by one store; SQL lives only in stores and
/// migrations; Program.cs stays a table of contents, no file grows past 400 lines and no method past 80; the clock is
/// read only through the injected TimeProvider; no method asks for AggressiveOptimization. Each failure names the file
/// and what it does wrong.
/// </summary>
public sealed partial class ArchitectureTests
{
    /// <summary>A folder may use only the folders before it.</summary>
    private static readonly string[] Order =
    [
        "Foundation", "Storage", "Templates", "Web", "Mail", "Listings", "Matching", "Subscriptions", "ForYou",
        "Digests", "Delivery", "Bounces", "Papers", "Admin", "Jobs", "Hosting",
    ];

    private static string Source => Path.Combine(RepositoryPaths.Root, "src", "Newsletter");

    // The visible limits of issue 13 (duplicates, the third, needs a tool outside the repository: README says how to run it).
    private const int MaxProgramLines = 80;
    private const int MaxFileLines = 400;
    private const int MaxMethodLines = 80;

    [Test]
    public void EveryFolder_IsInTheOrder_AndEveryFileSaysItsFolder()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            if (Array.IndexOf(Order, file.Folder) < 0)
                problems.Add($"{file.Path}: the folder {file.Folder} is not in ArchitectureTests.Order (nor README's Architecture section)");
            var declared = NamespaceLine().Match(file.Code);
            if (!declared.Success || declared.Groups[1].Value != "Newsletter." + file.Folder)
                problems.Add($"{file.Path}: namespace {(declared.Success ? declared.Groups[1].Value : "(none)")}, expected Newsletter.{file.Folder}");
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void NoFolder_UsesAFolderLaterInTheOrder()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            var rank = Array.IndexOf(Order, file.Folder);
            if (rank < 0) continue;
            foreach (var used in UsedFolders(file.Code))
            {
                var usedRank = Array.IndexOf(Order, used);
                if (usedRank > rank) problems.Add($"{file.Path}: uses Newsletter.{used}, which comes after {file.Folder}");
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void UsedFolders_FindsUsingLines_AliasesAndQualifiedNames_ButNotCommentsOrText()
    {
        var code = Code("""
            using Newsletter.Storage;
            using static Newsletter.Mail.Mailer;
            using Row = Newsletter.Digests.DeliveryRow;
            // using Newsletter.Jobs;
            /* Newsletter.Admin.X */
            var text = "Newsletter.Papers.Y";
            var sql = \"\"\"
                Newsletter.Bounces.Z
                \"\"\";
            Newsletter.Delivery.DigestJob.Id.ToString();
            """.Replace("\\\"", "\""));
        Assert.That(UsedFolders(code), Is.EquivalentTo(new[] { "Storage", "Mail", "Digests", "Delivery" }));
    }

    [Test]
    public void EveryTable_IsWrittenByOneStore()
    {
        var writers = new Dictionary<string, SortedSet<string>>();
        foreach (var file in SourceFiles())
        {
            foreach (var sql in file.Strings)
            {
                foreach (Match write in TableWrite().Matches(sql))
                {
                    var table = write.Groups["table"].Value;
                    if (!writers.TryGetValue(table, out var files)) writers[table] = files = [];
                    files.Add(file.Path);
                }
            }
        }
        Assert.That(writers.Keys, Does.Contain("subscribers").And.Contain("deliveries"), "the scan finds the writes it looks for");
        var shared = writers.Where(w => w.Value.Count > 1).Select(w => $"{w.Key} is written by {string.Join(" and ", w.Value)}");
        Assert.That(shared, Is.Empty);
    }

    [Test]
    public void Sql_AppearsOnlyInStores_AndMigrations()
    {
        var problems = new List<string>();
        var found = 0;
        foreach (var file in SourceFiles())
        {
            var sql = file.Strings.Where(s => SqlStatement().IsMatch(s)).ToList();
            found += sql.Count;
            if (sql.Count == 0 || file.Path.EndsWith("Store.cs", StringComparison.Ordinal) || file.Path == "Storage/Migrator.cs") continue;
            problems.Add($"{file.Path}: SQL outside a store: {Shorten(sql[0])}");
        }
        Assert.That(found, Is.GreaterThan(10), "the scan finds the stores' SQL");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void SqlStatement_IsToldFromProse()
    {
        Assert.That(SqlStatement().IsMatch("SELECT id FROM papers WHERE id > $low"), Is.True);
        Assert.That(SqlStatement().IsMatch("UPDATE deliveries SET state = 'sent'"), Is.True);
        Assert.That(SqlStatement().IsMatch("CREATE VIRTUAL TABLE probe USING fts5(title)"), Is.True);
        Assert.That(SqlStatement().IsMatch("Select the topics you want, then update your preferences."), Is.False);
    }

    [Test]
    public void Readme_DrawsTheSameOrder()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        Assert.That(readme, Does.Contain(string.Join(" → ", Order)));
    }

    [Test]
    public void Program_IsATableOfContents_OfAtMost80LinesOfCode()
    {
        var lines = LinesOfCode(File.ReadAllText(Path.Combine(Source, "Program.cs")));
        Assert.That(lines, Is.GreaterThan(10), "the count finds Program.cs's code");
        Assert.That(lines, Is.LessThanOrEqualTo(MaxProgramLines),
            $"Program.cs has {lines} lines of code: move what is not one AddX/MapX/UseX line into its folder");
    }

    [Test]
    public void NoSourceFile_IsOver400Lines()
    {
        var files = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Source, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("obj/", StringComparison.Ordinal) && !relative.StartsWith("bin/", StringComparison.Ordinal))
            .ToList();
        var tooLong = files.Select(f => (File: f, Lines: File.ReadLines(Path.Combine(Source, f)).Count()))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{f.File}: {f.Lines} lines; split it by what changes for different reasons");
        Assert.That(files, Has.Count.GreaterThan(100), "the scan finds the source files");
        Assert.That(tooLong, Is.Empty);
    }

    // The clock is the injected TimeProvider (FakeTimeProvider in tests): a direct read of the machine's clock is a
    // time no test can set.
    [Test]
    public void Clock_IsReadOnlyThroughTheInjectedTimeProvider()
    {
        var files = SourceFiles().ToList();
        var reads = files.Sum(f => ClockThroughProvider().Matches(f.Code).Count);
        var direct = files.SelectMany(f => MachineClock().Matches(f.Code).Select(m => $"{f.Path}: {m.Value}; take a TimeProvider and call GetUtcNow()"));
        Assert.That(reads, Is.GreaterThan(20), "the scan finds the clock reads");
        Assert.That(direct, Is.Empty);
    }

    // Speed comes from the shape of the code (issue 13): no method asks the JIT to skip its tiers.
    [Test]
    public void NoMethod_AsksForAggressiveOptimization()
    {
        var files = SourceFiles().ToList();
        var tricks = files.Where(f => f.Code.Contains("AggressiveOptimization", StringComparison.Ordinal)).Select(f => f.Path);
        Assert.That(files.Sum(f => f.Code.Length), Is.GreaterThan(100_000), "the scan reads the code");
        Assert.That(tricks, Is.Empty);
    }

    [Test]
    public void NoMethod_IsOver80Lines()
    {
        var methods = SourceFiles().SelectMany(f => MethodLengths(f.Code).Select(m => (f.Path, m.Name, m.Lines))).ToList();
        var tooLong = methods.Where(m => m.Lines > MaxMethodLines).Select(m => $"{m.Path}: {m.Name} has {m.Lines} lines; split it by step");
        Assert.That(methods, Has.Count.GreaterThan(500), "the scan finds the methods");
        Assert.That(tooLong, Is.Empty);
    }

    [Test]
    public void MethodLengths_CountsABlockMemberFromItsNameToItsClosingBrace()
    {
        const string code = "public sealed class A\n{\n    public int One(int x)\n    {\n        if (x > 0)\n        {\n            return x;\n        }\n        return 0;\n    }\n\n    private static void Two() => One(1);\n}\n";
        Assert.That(MethodLengths(code), Is.EqualTo(new[] { ("One", 8) }));
    }

    [Test]
    public void MachineClock_IsToldFromTheProvidersClock()
    {
        Assert.That(MachineClock().IsMatch("var now = DateTimeOffset.UtcNow;"), Is.True);
        Assert.That(MachineClock().IsMatch("var today = DateTime.Today;"), Is.True);
        Assert.That(MachineClock().IsMatch("var now = (clock ?? TimeProvider.System).GetUtcNow();"), Is.True);
        Assert.That(MachineClock().IsMatch("var now = clock.GetUtcNow();"), Is.False);
    }

    [Test]
    public void LinesOfCode_LeavesOutBlankLinesAndComments()
    {
        const string text = "// why\nvar a = 1;\n\n/* two\n   lines */\nvar b = \"// text, not a comment\"; // why\n  \n";
        Assert.That(LinesOfCode(text), Is.EqualTo(2));
    }

    /// <summary>Lines with code on them: blank lines and comments do not count (a string spanning lines counts once).</summary>
    private static int LinesOfCode(string text) => Code(text).Split('\n').Count(line => line.Trim().Length > 0);

    private static string Shorten(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    /// <summary>
    /// Each member with a block body at class level (four spaces in), by name: its lines from its declaration to its
    /// closing brace. Methods of nested classes are read as part of their class.
    /// </summary>
    private static IEnumerable<(string Name, int Lines)> MethodLengths(string code)
    {
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var declaration = MemberDeclaration().Match(lines[i]);
            if (!declaration.Success) continue;
            // The parameters may run over several lines, and type constraints follow them.
            var open = i;
            while (open < lines.Length && !lines[open].TrimEnd().EndsWith(')') && !lines[open].Contains("=>") && open - i < 8) open++;
            if (open >= lines.Length || !lines[open].TrimEnd().EndsWith(')')) continue;
            open++;
            while (open < lines.Length && lines[open].TrimStart().StartsWith("where ", StringComparison.Ordinal)) open++;
            if (open >= lines.Length || lines[open].TrimEnd() != "    {") continue;
            var end = open + 1;
            while (end < lines.Length && lines[end].TrimEnd() != "    }") end++;
            yield return (declaration.Groups["name"].Value, end - i + 1);
            i = end;
        }
    }

    private static IEnumerable<string> UsedFolders(string code) =>
        FolderReference().Matches(code).Select(m => m.Groups["folder"].Value).Distinct();

    private static IEnumerable<SourceFile> SourceFiles()
    {
        foreach (var path in Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Source, path).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)) continue;
            // Program.cs is the composition root: it sits above every folder.
            if (!relative.Contains('/')) continue;
            var strings = new List<string>();
            var code = Code(File.ReadAllText(path), strings);
            yield return new SourceFile(relative, relative[..relative.IndexOf('/')], code, strings);
        }
    }

    private static string Code(string text) => Code(text, []);

    /// <summary>
    /// The text with comments removed and string literals emptied (their contents go to <paramref name="strings"/>),
    /// so what remains is what the compiler reads as names.
    /// </summary>
    private static string Code(string text, List<string> strings)
    {
        var code = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (At(text, i, "//"))
            {
                while (i < text.Length && text[i] != '\n') i++;
            }
            else if (At(text, i, "/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else if (text[i] == '\'')
            {
                // A char literal: '"' must not open a string.
                var end = i + 1;
                while (end < text.Length && text[end] != '\'') end += text[end] == '\\' ? 2 : 1;
                code.Append("' '");
                i = end + 1;
            }
            else if (StringStart().Match(text, i) is { Success: true } start && start.Index == i)
            {
                i = ReadString(text, i, start, strings);
                code.Append("\"\"");
            }
            else
            {
                code.Append(text[i]);
                i++;
            }
        }
        return code.ToString();
    }

    private static int ReadString(string text, int i, Match start, List<string> strings)
    {
        var prefix = start.Groups["prefix"].Value;
        var quotes = start.Groups["quotes"].Value;
        var from = i + start.Length;
        if (quotes.Length >= 3)
        {
            var end = text.IndexOf(quotes, from, StringComparison.Ordinal);
            end = end < 0 ? text.Length : end;
            strings.Add(text[from..end]);
            return Math.Min(text.Length, end + quotes.Length);
        }
        var verbatim = prefix.Contains('@');
        var content = new StringBuilder();
        var at = from;
        while (at < text.Length)
        {
            var c = text[at];
            if (verbatim && c == '"' && at + 1 < text.Length && text[at + 1] == '"') { content.Append('"'); at += 2; continue; }
            if (!verbatim && c == '\\' && at + 1 < text.Length) { content.Append(text[at + 1]); at += 2; continue; }
            if (c == '"' || (!verbatim && c == '\n')) break;
            content.Append(c);
            at++;
        }
        strings.Add(content.ToString());
        return at + 1;
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    private sealed record SourceFile(string Path, string Folder, string Code, IReadOnlyList<string> Strings);

    [GeneratedRegex("""\G(?<prefix>[$@]{0,3})(?<quotes>"{3,}|")""")]
    private static partial Regex StringStart();

    [GeneratedRegex(@"^    (?!.*\b(?:class|record|struct|interface|enum|delegate)\b)(?:(?:public|private|internal|protected|static|async|override|sealed|virtual|unsafe|new)\s+)+[\w<>\[\](),.?\s]*?\b(?<name>\w+)\s*(?:<[^>()]*>)?\s*\(")]
    private static partial Regex MemberDeclaration();

    // The machine's clock read directly, or taken as a fallback for an injected one (Program.cs registers the one
    // TimeProvider.System every class is given; it is not scanned).
    [GeneratedRegex(@"\b(?:DateTime|DateTimeOffset)\s*\.\s*(?:UtcNow|Now|Today)\b|\bTimeProvider\s*\.\s*System\b")]
    private static partial Regex MachineClock();

    [GeneratedRegex(@"\.GetUtcNow\s*\(")]
    private static partial Regex ClockThroughProvider();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    // `using Newsletter.X`, `using static Newsletter.X.Y`, `using A = Newsletter.X.Y`, `global using …`, and any
    // qualified name in code such as `Newsletter.X.Type` (the file's own namespace line too: its own folder).
    [GeneratedRegex(@"(?<![\w.])(?:global::)?Newsletter\.(?<folder>[A-Z]\w*)")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+(?<table>[a-z_][a-z0-9_]*)\b")]
    private static partial Regex TableWrite();

    [GeneratedRegex(@"\bSELECT\b[\s\S]*?\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bCREATE\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER)\b|\bSELECT\s+(?:MAX|MIN|COUNT|EXISTS)\b")]
    private static partial Regex SqlStatement();
}
