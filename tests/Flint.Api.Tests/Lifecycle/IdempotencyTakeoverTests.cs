using System.Diagnostics;
using System.Net;
using System.Text;
using Flint.Api.Infrastructure;
using Flint.Api.Tests.Infrastructure;
using Flint.Persistence.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;

namespace Flint.Api.Tests.Lifecycle;

/// <summary>
/// An Idempotency-Key left in flight by a silo that was killed (kill -9: nothing flushed, nothing forgotten) is taken
/// over by the next retry on another silo as soon as the cluster has declared the dead silo dead — seconds, not the
/// 45 s age rule — while a key held by a live silo (or by a silo the cluster does not know) still answers
/// 409 IDEMPOTENCY_KEY_IN_USE.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTakeoverTests(ApiFixture f, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Cluster = "takeover";
    private const string Body = """{"name":"Retried buyer"}""";

    [Fact]
    public async Task A_key_in_flight_on_a_killed_silo_is_taken_over_at_once_by_another_silo_and_a_live_owners_key_is_in_use()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var survivor = await FlintTestHost.StartAsync(db, clusterId: Cluster);
        var admin = new ApiClient(survivor.Client, FlintTestHost.AdminToken);
        var merchant = (await admin.Post("/v1/merchants", """{"name":"Takeover"}""")).Data;
        var api = new ApiClient(survivor.Client, merchant["api_keys"]!["test"]!.GetValue<string>());
        var merchantId = merchant["merchant_id"]!.GetValue<string>();

        var siloPort = FlintProcess.FreePort();
        var settings = FlintProcess.Settings(db, Cluster, siloPort);
        using var http = new HttpClient { BaseAddress = new Uri(settings["FLINT_URLS"]!), Timeout = TimeSpan.FromSeconds(10) };
        using var doomed = FlintProcess.Start(settings);
        try
        {
            await FlintProcess.WaitReady(http, doomed);
            var doomedOwner = await ActiveSilo(db, siloPort);
            var self = survivor.Services.GetRequiredService<IdempotencyOwners>().Self;

            // What the doomed silo's claims look like in flight, and two more: one of the survivor itself (a request it
            // is running), one of a silo nobody knows.
            await InFlight(db, merchantId, "held-by-doomed", doomedOwner);
            await InFlight(db, merchantId, "held-by-self", self);
            await InFlight(db, merchantId, "held-by-stranger", IdempotencyOwners.Name(SiloAddress.New(IPAddress.Loopback, 1, 1)));
            foreach (var key in new[] { "held-by-doomed", "held-by-self", "held-by-stranger" })
                Assert.True((await Retry(api, key)).ErrorCode == "IDEMPOTENCY_KEY_IN_USE", $"{key} is not in use: {doomedOwner} / {self}");

            doomed.Kill(entireProcessTree: true);
            await doomed.WaitForExitAsync();
            // The age rule must not be what lets the retry in: the doomed silo's claim is made fresh as it dies.
            await Touch(db, merchantId, "held-by-doomed");
            var clock = Stopwatch.StartNew();
            ApiResponse taken;
            while ((taken = await Retry(api, "held-by-doomed")).Status == 409 && clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                Assert.Equal("IDEMPOTENCY_KEY_IN_USE", taken.ErrorCode);
                await Task.Delay(250);
            }
            Assert.True(taken.Status == 201, $"after {clock.Elapsed.TotalSeconds:0.0} s: {taken}");
            output.WriteLine($"taken over {clock.Elapsed.TotalSeconds:0.0} s after kill -9");
            Assert.True(clock.Elapsed < IdempotencyRecords.StaleInFlight - TimeSpan.FromSeconds(10),
                $"taken over after {clock.Elapsed.TotalSeconds:0.0} s, not at the cluster's declaration of death");

            // The answer of the request that took over is the one kept: replayed byte for byte.
            var replay = await Retry(api, "held-by-doomed");
            Assert.Equal(201, replay.Status);
            Assert.Equal("true", replay.Header("Idempotent-Replayed"));
            Assert.Equal(taken.Raw, replay.Raw);

            // A live owner (the survivor) and an unknown one still hold their keys.
            (await Retry(api, "held-by-self")).AssertError(409, "IDEMPOTENCY_KEY_IN_USE");
            (await Retry(api, "held-by-stranger")).AssertError(409, "IDEMPOTENCY_KEY_IN_USE");
        }
        finally
        {
            if (!doomed.HasExited) doomed.Kill(entireProcessTree: true);
        }
    }

    private static Task<ApiResponse> Retry(ApiClient api, string key) => api.Post("/v1/customers", Body, key);

    /// <summary>The Orleans address (with generation) of the active silo on <paramref name="siloPort"/>, as it names
    /// itself in the keys it claims.</summary>
    private static async Task<string> ActiveSilo(string db, int siloPort)
    {
        await using var data = NpgsqlDataSource.Create(db);
        await using var cmd = data.CreateCommand(
            "SELECT address, generation FROM orleans_membership WHERE deployment_id = @d AND port = @p AND status = 3");
        cmd.Parameters.AddWithValue("d", Cluster);
        cmd.Parameters.AddWithValue("p", siloPort);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the silo is not active in the membership table");
        return IdempotencyOwners.Name(SiloAddress.New(IPAddress.Parse(r.GetString(0)), siloPort, r.GetInt32(1)));
    }

    /// <summary>The row a request with this key and <see cref="Body"/> leaves while it runs on <paramref name="owner"/>.</summary>
    private static async Task InFlight(string db, string merchantId, string key, string owner)
    {
        var records = new IdempotencyRecords(NpgsqlDataSource.Create(db));
        var hash = IdempotencyRecords.Fingerprint(await records.FingerprintKey(CancellationToken.None), "POST", "/v1/customers", Encoding.UTF8.GetBytes(Body));
        Assert.True(await records.TryClaim(new IdempotencyClaim(merchantId, "test", key, hash, "POST", "/v1/customers", owner)));
    }

    private static async Task Touch(string db, string merchantId, string key)
    {
        await using var data = NpgsqlDataSource.Create(db);
        await using var cmd = data.CreateCommand(
            "UPDATE flint_idempotency SET created_at = now() WHERE merchant_id = @m AND environment = 'test' AND idem_key = @k AND status IS NULL");
        cmd.Parameters.AddWithValue("m", merchantId);
        cmd.Parameters.AddWithValue("k", key);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }
}
