using Flint.Baseline;
using Flint.Payments.Simulated;
using Npgsql;

// The do-it-yourself checkout service: what a team builds by hand instead of Flint. Orders, stock and payments
// live in PostgreSQL tables; paying locks the stock rows with SELECT … FOR UPDATE inside one transaction.
// It answers the same paths and JSON shapes as Flint for the calls the benchmark makes, nothing more.
//
// Configuration: BASELINE_URLS (default http://127.0.0.1:5190), ConnectionStrings__Baseline (Npgsql).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls((builder.Configuration["BASELINE_URLS"] ?? "http://127.0.0.1:5190").Split(';', ','));

var connectionString = builder.Configuration.GetConnectionString("Baseline")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Baseline (an Npgsql connection string).");
var dataSource = NpgsqlDataSource.Create(connectionString);
await BaselineSchema.Apply(dataSource);

var ledger = new InMemorySimulatedLedger();
var store = new BaselineStore(dataSource, new SimulatedPaymentProcessor(ledger), ledger);
await store.LoadTaxRates();
builder.Services.AddSingleton(store);

var app = builder.Build();
app.MapGet("/health/ready", async () =>
{
    await using var cmd = dataSource.CreateCommand("SELECT 1");
    await cmd.ExecuteScalarAsync();
    return Results.Ok("ready");
});
app.MapGet("/health/live", () => Results.Ok("live"));
BaselineEndpoints.Map(app);
await app.RunAsync();
