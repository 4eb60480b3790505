using System.Reflection;
using System.Text.RegularExpressions;

namespace Flint.Api.Tests.Conventions;

/// <summary>
/// The project map of ARCHITECTURE.md, enforced: which Flint projects and which outside libraries each assembly may
/// reference (read from the compiled assemblies, so only what the code really uses counts), that SQL lives in
/// Flint.Persistence only, and that no source file outgrows one job.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string[] Everywhere = ["System", "Microsoft.Extensions", "netstandard", "mscorlib"];
    private static readonly string[] OrleansContracts = ["Orleans.Core.Abstractions", "Orleans.Serialization", "Orleans.Serialization.Abstractions"];

    /// <summary>Per project: the Flint assemblies it may reference and the outside ones (by name prefix).</summary>
    public static TheoryData<string, string[], string[]> Rules => new()
    {
        // Pure math: nothing but the base library.
        { "Flint.Domain", [], [] },
        // Grain contracts: the domain's types and Orleans' serialization attributes.
        { "Flint.Abstractions", ["Flint.Domain"], OrleansContracts },
        // The card processor port and its two adapters.
        { "Flint.Payments", [], ["Stripe.net"] },
        // Behaviour: grains on the contracts and the payment port; storage only through Orleans' IPersistentState.
        { "Flint.Grains", ["Flint.Domain", "Flint.Abstractions", "Flint.Payments"], ["Orleans"] },
        // All the SQL: grain storage, migrations, typed queries.
        { "Flint.Persistence", ["Flint.Domain", "Flint.Abstractions"], ["Orleans", "Npgsql", "Microsoft.AspNetCore", "OpenTelemetry"] },
        // Transport: HTTP in front of the grains; asks Flint.Persistence, never the database directly.
        { "Flint.Api", ["Flint.Domain", "Flint.Abstractions", "Flint.Payments", "Flint.Grains", "Flint.Persistence"],
            ["Orleans", "Microsoft.AspNetCore", "Scalar.AspNetCore", "Microsoft.OpenApi", "OpenTelemetry"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_project_references_only_what_the_map_allows(string project, string[] flint, string[] outside)
    {
        var references = Assembly.Load(project).GetReferencedAssemblies().Select(r => r.Name!).ToList();

        var refused = references
            .Where(name => !Everywhere.Any(p => HasPrefix(name, p)))
            .Where(name => name.StartsWith("Flint.", StringComparison.Ordinal) ? !flint.Contains(name) : !outside.Any(p => HasPrefix(name, p)))
            .ToList();

        Assert.True(refused.Count == 0, $"{project} references {string.Join(", ", refused)} (all: {string.Join(", ", references.Order())}).");
    }

    [Fact]
    public void Sql_and_Npgsql_appear_only_in_Flint_Persistence()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path) && !path.StartsWith(Path.Combine(src, "Flint.Persistence"), StringComparison.Ordinal))
            .Where(path => Sql().IsMatch(File.ReadAllText(path)))
            .Select(path => Path.GetRelativePath(src, path))
            .ToList();

        Assert.True(offenders.Count == 0, $"SQL or Npgsql outside Flint.Persistence: {string.Join(", ", offenders)}");
    }

    /// <summary>A file does one job: past this many lines it is doing several (split it by job, as OrderGrain is:
    /// pay saga, refund saga, recovery, stock, views).</summary>
    public const int MaxSourceLines = 400;

    [Fact]
    public void No_source_file_in_src_is_over_400_lines()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Where(path => !IsBuildOutput(path)).ToList();
        var tooLong = files
            .Select(path => (Path: Path.GetRelativePath(src, path), Lines: File.ReadLines(path).Count()))
            .Where(f => f.Lines > MaxSourceLines)
            .Select(f => $"{f.Path} ({f.Lines})")
            .ToList();

        Assert.True(files.Count > 100, $"only {files.Count} source files found under {src}");
        Assert.True(tooLong.Count == 0, $"over {MaxSourceLines} lines: {string.Join(", ", tooLong)}");
    }

    [Fact]
    public void The_rules_catch_a_reference_that_is_not_allowed()
    {
        // The check itself can fail: Flint.Api does reference Flint.Grains, which Flint.Domain may not.
        var api = Assembly.Load("Flint.Api").GetReferencedAssemblies().Select(r => r.Name!);
        Assert.Contains("Flint.Grains", api);
        Assert.Matches(Sql(), "await using var cmd = db.CreateCommand(\"SELECT id FROM flint_objects\");");
        Assert.DoesNotMatch(Sql(), "// Select the cheapest variant from the list.");
    }

    private static bool HasPrefix(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Flint.sln not found above the test output.");
    }

    /// <summary>Npgsql, or a SQL statement's shape in a string: SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE FROM.</summary>
    [GeneratedRegex(@"\bNpgsql|""[^""\n]*\b(SELECT\b[^""\n]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b|""""""\s*\n\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b")]
    private static partial Regex Sql();
}
