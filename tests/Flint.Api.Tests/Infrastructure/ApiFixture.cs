namespace Flint.Api.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the whole test run, one Flint host on its own database for the shared
/// collection, and two merchants. Tests that restart hosts create their own databases on the same server.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;
    public FlintTestHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public ApiClient A { get; private set; } = null!;
    public ApiClient B { get; private set; } = null!;
    public ApiClient ALive { get; private set; } = null!;
    public ApiClient Admin { get; private set; } = null!;
    public ApiClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        ConnectionString = await Postgres.CreateDatabaseAsync();
        Host = await FlintTestHost.StartAsync(ConnectionString);
        Admin = new ApiClient(Host.Client, FlintTestHost.AdminToken);
        Anonymous = new ApiClient(Host.Client, null);
        var a = await CreateMerchant("Shop A");
        A = new ApiClient(Host.Client, a.Test);
        ALive = new ApiClient(Host.Client, a.Live);
        B = new ApiClient(Host.Client, (await CreateMerchant("Shop B")).Test);
    }

    public async Task<(string Id, string Test, string Live)> CreateMerchant(string name)
    {
        var r = await Admin.Post("/v1/merchants", $$"""{"name":"{{name}}"}""");
        if (r.Status != 201) throw new InvalidOperationException($"merchant bootstrap failed: {r}");
        return (r.Data["merchant_id"]!.GetValue<string>(), r.Data["api_keys"]!["test"]!.GetValue<string>(), r.Data["api_keys"]!["live"]!.GetValue<string>());
    }

    /// <summary>A client of the shared host with the given bearer key.</summary>
    public ApiClient With(string? key) => new(Host.Client, key);

    /// <summary>A fresh merchant of its own, for tests that look at everything a merchant has (events, keys).</summary>
    public async Task<(ApiClient Test, ApiClient Live, string MerchantId)> NewMerchant(string name)
    {
        var m = await CreateMerchant(name);
        return (With(m.Test), With(m.Live), m.Id);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
