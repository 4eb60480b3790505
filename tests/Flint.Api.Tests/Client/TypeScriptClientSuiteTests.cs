using System.Diagnostics;
using Flint.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Client;

/// <summary>
/// The TypeScript client's own suite (sdk/typescript: the product page's snippet verbatim, pagination, idempotent
/// retries, error mapping, the generated types up to date) runs here too, so <c>dotnet test</c> stays the one command
/// that runs every test: <c>npm ci</c> and <c>npm test</c> in sdk/typescript, on this run's PostgreSQL server and this
/// build's Flint.Api.dll. Needs Node ≥ 20 and npm (<c>.ci/run</c> installs them when missing; without them this fails).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TypeScriptClientSuiteTests(ApiFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task The_TypeScript_clients_suite_passes_against_a_real_Flint()
    {
        var sdk = Path.Combine(RepositoryRoot(), "sdk", "typescript");
        Assert.True(File.Exists(Path.Combine(sdk, "package-lock.json")), $"no TypeScript client at {sdk}");
        var environment = new Dictionary<string, string>
        {
            ["FLINT_TEST_PG"] = f.Postgres.AdminConnectionString,
            ["FLINT_API_DLL"] = Path.Combine(AppContext.BaseDirectory, "Flint.Api.dll"),
        };
        await Run(sdk, "npm", ["ci", "--no-audit", "--no-fund"], environment, TimeSpan.FromMinutes(5));
        await Run(sdk, "npm", ["test"], environment, TimeSpan.FromMinutes(5));
    }

    private async Task Run(string directory, string file, string[] args, Dictionary<string, string> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start (is Node installed?)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        var text = await stdout + await stderr;
        output.WriteLine($"$ {file} {string.Join(' ', args)}\n{text}");
        Assert.True(process.HasExited && process.ExitCode == 0,
            $"{file} {string.Join(' ', args)} failed ({(process.HasExited ? $"exit {process.ExitCode}" : "timed out")}):\n{(text.Length > 6000 ? text[^6000..] : text)}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flint.sln not found above " + AppContext.BaseDirectory);
    }
}
