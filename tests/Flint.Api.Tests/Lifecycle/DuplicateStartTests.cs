using System.Diagnostics;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Lifecycle;

/// <summary>
/// A second start of the same silo (same database, cluster, HTTP, silo and gateway ports) — a double ./run.sh, a
/// supervisor restarting too early — must fail alone: it exits non-zero, and the running silo is not superseded in
/// the membership table and keeps serving.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DuplicateStartTests(ApiFixture f)
{
    private const string Cluster = "duplicate";

    [Fact]
    public async Task A_second_start_on_the_same_ports_exits_non_zero_and_the_running_silo_keeps_serving_for_a_minute()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var running = await FlintTestHost.StartAsync(db, clusterId: Cluster);
        var admin = new ApiClient(running.Client, FlintTestHost.AdminToken);
        var key = (await admin.Post("/v1/merchants", """{"name":"Duplicate"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
        var api = new ApiClient(running.Client, key);
        Assert.Equal(201, (await api.Post("/v1/customers", """{"name":"Before"}""")).Status);
        var membership = await Membership(db);
        Assert.Single(membership);

        // The same silo again, as the process ./run.sh starts.
        var settings = new[] { "FLINT_URLS", "FLINT_SILO_PORT", "FLINT_GATEWAY_PORT", "FLINT_CLUSTER_ID", "FLINT_ADMIN_TOKEN" }
            .ToDictionary(name => name, name => running.Settings[name]);
        settings["ConnectionStrings__Flint"] = db;
        using var process = Process.Start(FlintProcess.StartInfo(settings))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"The second start did not exit within 60 s. Output: {await stdout}");
            }
        }

        Assert.Equal(3, process.ExitCode);
        var message = await stderr;
        Assert.Contains("already in use", message);
        Assert.Contains($"HTTP 127.0.0.1:{new Uri(running.Settings["FLINT_URLS"]!).Port}", message);
        Assert.Contains($"silo port {running.Settings["FLINT_SILO_PORT"]}", message);
        Assert.Contains($"gateway port {running.Settings["FLINT_GATEWAY_PORT"]}", message);
        Assert.Equal(membership, await Membership(db));

        // A superseded silo used to be told it was dead ~26 s later: watch for a minute that nothing of that happens.
        var until = DateTime.UtcNow.AddSeconds(60);
        var round = 0;
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(200, (int)(await running.Client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(201, (await api.Post("/v1/customers", $$"""{"name":"During {{round++}}"}""")).Status);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        Assert.Equal(membership, await Membership(db));
        Assert.Equal(round + 1, (await api.Get("/v1/customers?page_size=100")).Data.AsArray().Count);
    }

    [Fact]
    public async Task A_restart_after_kill_9_on_the_same_ports_starts_at_once_and_replaces_the_dead_entry()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        var settings = FlintProcess.Settings(db, Cluster);
        using var http = new HttpClient { BaseAddress = new Uri(settings["FLINT_URLS"]!), Timeout = TimeSpan.FromSeconds(10) };

        using (var first = FlintProcess.Start(settings))
        {
            await FlintProcess.WaitReady(http, first);
            // Connections the dead process leaves behind (TIME_WAIT) must not count as a taken port.
            for (var i = 0; i < 20; i++) Assert.Equal(200, (int)(await http.GetAsync("/health/ready")).StatusCode);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        using var second = FlintProcess.Start(settings);
        try
        {
            await FlintProcess.WaitReady(http, second);
            var rows = await Membership(db);
            // The killed generation is declared dead or replaced; exactly one entry of the address is active.
            Assert.Single(rows, r => r.EndsWith("/3", StringComparison.Ordinal));
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }

    /// <summary>The cluster's membership rows: address, port, generation and status (3 = active).</summary>
    private static async Task<List<string>> Membership(string db)
    {
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT address || ':' || port || '@' || generation || '/' || status FROM orleans_membership WHERE deployment_id = @d ORDER BY 1", conn);
        cmd.Parameters.AddWithValue("d", Cluster);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
