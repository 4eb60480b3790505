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
        var sdk = Path.Combine(ToolRuns.RepositoryRoot(), "sdk", "typescript");
        Assert.True(File.Exists(Path.Combine(sdk, "package-lock.json")), $"no TypeScript client at {sdk}");
        var environment = new Dictionary<string, string>
        {
            ["FLINT_TEST_PG"] = f.Postgres.AdminConnectionString,
            ["FLINT_API_DLL"] = Path.Combine(AppContext.BaseDirectory, "Flint.Api.dll"),
        };
        await ToolRuns.Run(output, sdk, "npm", ["ci", "--no-audit", "--no-fund"], environment, TimeSpan.FromMinutes(5));
        await ToolRuns.Run(output, sdk, "npm", ["test"], environment, TimeSpan.FromMinutes(5));
    }
}
