using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Api.Tests.Infrastructure;
using Flint.Persistence.Storage;
using Npgsql;
using Orleans.Storage;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage;

/// <summary>
/// Flint's grain storage on a real database: writes of many grains grouped into few transactions, each write still
/// all-or-nothing with its effects, refusals and stale ETags failing only the write concerned.
/// </summary>
/// <remarks>
/// Tests that need writes to land in one batch hold an EXCLUSIVE lock on orleans_storage (reads still pass) and
/// first park one write per in-flight slot of the storage on it; every write submitted after that waits in the queue
/// and, once the lock is gone, goes in batches of at most <see cref="FlintGrainStorage.MaxWriteBatch"/>. That makes the
/// batching deterministic without relying on timing. Those tests run on a host and database of their own, so nothing
/// else writes grain state meanwhile.
/// </remarks>
[Collection(ApiCollection.Name)]
public sealed class GroupedStorageTests(ApiFixture f)
{
    private const string TestStateName = "storage_test";

    [Fact]
    public async Task Two_hundred_concurrent_writes_land_with_their_versions_and_projections_in_a_few_transactions()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var ids = Enumerable.Range(0, 200).Select(i => $"obj_{i:D3}").ToList();
        var states = ids.Select(id => new GrainState<TestState>(NewState(merchant, id, 1, $"first {id}"))).ToList();
        var before = env.Storage.Stats;

        await using (var gate = await env.HoldWrites())
        {
            var writes = ids.Select((id, i) => env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, id), states[i])).ToList();
            Assert.Equal(FlintGrainStorage.MaxWritesInFlight + ids.Count, env.Storage.Stats.PendingWrites);
            await gate.Release();
            await Task.WhenAll(writes);
        }

        var after = env.Storage.Stats;
        Assert.All(states, s => Assert.Equal("1", s.ETag));
        Assert.Equal(ids.Count + FlintGrainStorage.MaxWritesInFlight, after.WritesSubmitted - before.WritesSubmitted);
        // The parked writes, then 200 queued writes in full batches: 64 + 64 + 64 + 8.
        Assert.Equal(FlintGrainStorage.MaxWritesInFlight + 4, after.WriteStatements - before.WriteStatements);
        Assert.Equal(FlintGrainStorage.MaxWriteBatch, after.LargestWriteBatch);
        Assert.Equal(0, after.WritesRetriedAlone - before.WritesRetriedAlone);

        // A second round on the versions just written, all at once, without any gate.
        foreach (var (s, i) in states.Select((s, i) => (s, i))) s.State = NewState(merchant, ids[i], 2, $"second {ids[i]}");
        await Task.WhenAll(ids.Select((id, i) => env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, id), states[i])));
        Assert.All(states, s => Assert.Equal("2", s.ETag));

        var rows = await env.Rows($"""
            SELECT s.grain_id_string, s.version, o.version, o.name
              FROM orleans_storage s
              JOIN flint_objects o ON o.merchant_id = @m AND o.environment = 'test' AND o.kind = 'storage_test'
                                  AND s.grain_id_string = o.merchant_id || '/test/' || o.id
             WHERE s.grain_type = '{TestStateName}'
            """, ("m", merchant));
        Assert.Equal(ids.Count, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(2, (int)r[1]!);
            Assert.Equal(2L, (long)r[2]!);
            Assert.StartsWith("second ", (string)r[3]!);
        });

        // Read back (many activations at once): state and ETag as written, nothing for a key never written.
        var read = ids.Select(_ => new GrainState<TestState>()).ToList();
        var missing = new GrainState<TestState>();
        await Task.WhenAll(ids.Select((id, i) => env.Storage.ReadStateAsync(TestStateName, GrainOf(merchant, id), read[i]))
            .Append(env.Storage.ReadStateAsync(TestStateName, GrainOf(merchant, "never_written"), missing)));
        Assert.All(read.Select((r, i) => (r, i)), x =>
        {
            Assert.Equal("2", x.r.ETag);
            Assert.True(x.r.RecordExists);
            Assert.Equal($"second {ids[x.i]}", x.r.State!.Name);
        });
        Assert.Null(missing.ETag);
        Assert.False(missing.RecordExists);
        Assert.NotNull(missing.State);
    }

    [Fact]
    public async Task Two_hundred_concurrent_product_creations_through_the_API_all_land_with_matching_projections()
    {
        var (api, _, merchantId) = await f.NewMerchant("Many products");
        var prefix = CatalogData.Unique("Crowd");
        var created = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            api.Post("/v1/products", CatalogData.SimpleProductJson($"{prefix} {i:D3}", sku: $"{prefix}-{i:D3}", quantity: 3))));
        Assert.All(created, r => Assert.True(r.Status == 201, r.ToString()));

        // Each product's list row carries the version of its grain state, and its SKU is registered to it.
        await using var db = NpgsqlDataSource.Create(f.ConnectionString);
        await using var cmd = db.CreateCommand("""
            SELECT o.id, o.version, convert_from(s.payload_binary, 'UTF8'),
                   (SELECT count(*) FROM flint_skus k WHERE k.merchant_id = o.merchant_id AND k.environment = o.environment AND k.owner_id = o.id)
              FROM flint_objects o
              JOIN orleans_storage s ON s.grain_type = 'product' AND s.grain_id_string = o.merchant_id || '/test/' || o.id
             WHERE o.merchant_id = @m AND o.environment = 'test' AND o.kind = 'product' AND starts_with(o.name, @p)
            """);
        cmd.Parameters.AddWithValue("m", merchantId);
        cmd.Parameters.AddWithValue("p", prefix);
        var found = 0;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                found++;
                var state = JsonNode.Parse(r.GetString(2))!;
                Assert.Equal(r.GetInt64(1), state["version"]!.GetValue<long>());
                Assert.Equal(1L, r.GetInt64(3));
            }
        }
        Assert.Equal(200, found);
    }

    [Fact]
    public async Task In_one_batch_a_write_that_takes_a_used_SKU_or_coupon_code_fails_alone_and_the_others_land()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var taken = CatalogData.Unique("SKU");
        var takenCode = CatalogData.Unique("CODE").ToUpperInvariant();
        await env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, "owner"), new GrainState<TestState>(NewState(merchant, "owner", 1, "owner", skus: [taken])));
        await env.Storage.WriteStateAsync("coupon_test", GrainOf(merchant, "coupon_a"), new GrainState<TestState>(NewCoupon(merchant, "coupon_a", takenCode)));

        var fresh = CatalogData.Unique("SKU");
        var contested = CatalogData.Unique("SKU");
        var writes = new List<(string StateName, string Id, GrainState<TestState> State)>
        {
            (TestStateName, "ok_1", new(NewState(merchant, "ok_1", 1, "ok 1", skus: [fresh]))),
            (TestStateName, "clash", new(NewState(merchant, "clash", 1, "clash", skus: [CatalogData.Unique("SKU"), taken], withEvent: true))),
            ("coupon_test", "coupon_b", new(NewCoupon(merchant, "coupon_b", takenCode))),
            // Two writes of the batch claim the same new SKU: the first in the batch (key order) gets it.
            (TestStateName, "race_a", new(NewState(merchant, "race_a", 1, "race a", skus: [contested]))),
            (TestStateName, "race_b", new(NewState(merchant, "race_b", 1, "race b", skus: [contested]))),
            (TestStateName, "ok_2", new(NewState(merchant, "ok_2", 1, "ok 2", withEvent: true))),
        };
        var before = env.Storage.Stats;
        List<Task> tasks;
        await using (var gate = await env.HoldWrites())
        {
            tasks = writes.Select(w => env.Storage.WriteStateAsync(w.StateName, GrainOf(merchant, w.Id), w.State)).ToList();
            await gate.Release();
            try { await Task.WhenAll(tasks); } catch { /* looked at one by one below */ }
        }
        var after = env.Storage.Stats;
        // The parked writes and ONE batch with all six: tried whole (which wrote nothing, for it failed), then again
        // with each write isolated.
        Assert.Equal(FlintGrainStorage.MaxWritesInFlight + 2, after.WriteStatements - before.WriteStatements);
        Assert.Equal(0, after.WritesRetriedAlone - before.WritesRetriedAlone);

        Assert.True(tasks[0].IsCompletedSuccessfully);
        Assert.True(tasks[3].IsCompletedSuccessfully);
        Assert.True(tasks[5].IsCompletedSuccessfully);
        Assert.Equal("1", writes[0].State.ETag);
        Assert.Equal("1", writes[5].State.ETag);

        // The refusals reach the grain typed (what was taken, and its value), with the database's error inside.
        var sku = Assert.IsType<UniqueValueTakenException>(tasks[1].Exception!.InnerException);
        var skuError = Assert.IsType<FlintStorageException>(sku.InnerException);
        Assert.Equal("23505", skuError.SqlState);
        Assert.Equal("flint_skus_pkey", skuError.ConstraintName);
        Assert.Equal(UniqueValue.Sku, sku.What);
        Assert.Equal(taken, sku.Value);
        Assert.Null(writes[1].State.ETag);

        var code = Assert.IsType<UniqueValueTakenException>(tasks[2].Exception!.InnerException);
        var codeError = Assert.IsType<FlintStorageException>(code.InnerException);
        Assert.Equal("flint_objects_coupon_code_uniq", codeError.ConstraintName);
        Assert.Equal((UniqueValue.CouponCode, takenCode), (code.What, code.Value));

        var race = Assert.IsType<UniqueValueTakenException>(tasks[4].Exception!.InnerException);
        Assert.Equal((UniqueValue.Sku, contested), (race.What, race.Value));

        // Nothing of the refused writes remains: no state row, no projection, no SKU, no event.
        Assert.Equal(["coupon_a", "ok_1", "ok_2", "owner", "race_a"], await env.Strings(
            "SELECT split_part(grain_id_string, '/', 3) FROM orleans_storage WHERE starts_with(grain_id_string, @m) ORDER BY 1", ("m", merchant + "/")));
        Assert.Equal(["coupon_a", "ok_1", "ok_2", "owner", "race_a"], await env.Strings(
            "SELECT id FROM flint_objects WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
        Assert.Equal(["ok_1", "owner", "race_a"], await env.Strings(
            "SELECT owner_id FROM flint_skus WHERE merchant_id = @m ORDER BY owner_id", ("m", merchant)));
        Assert.Equal(["evt_ok_2"], await env.Strings(
            "SELECT id FROM flint_events WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
    }

    [Fact]
    public async Task A_batch_that_fails_as_a_whole_is_written_again_one_write_at_a_time()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var broken = NewState(merchant, "broken", 1, "broken");
        // Not JSON: the database refuses the batch's effects parameter, before running any of its writes.
        broken.Projection!.Doc = "{not json";
        var writes = new List<(string Id, GrainState<TestState> State)>
        {
            ("ok_1", new(NewState(merchant, "ok_1", 1, "ok 1", withEvent: true))),
            ("broken", new(broken)),
            ("ok_2", new(NewState(merchant, "ok_2", 1, "ok 2", withLog: true))),
        };
        var before = env.Storage.Stats;
        List<Task> tasks;
        await using (var gate = await env.HoldWrites())
        {
            tasks = writes.Select(w => env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, w.Id), w.State)).ToList();
            await gate.Release();
            try { await Task.WhenAll(tasks); } catch { /* looked at one by one below */ }
        }
        var after = env.Storage.Stats;
        // The parked writes, the failed batch (whole, then isolated), then each of its writes alone.
        Assert.Equal(FlintGrainStorage.MaxWritesInFlight + 2 + writes.Count, after.WriteStatements - before.WriteStatements);
        Assert.Equal(writes.Count, after.WritesRetriedAlone - before.WritesRetriedAlone);

        Assert.True(tasks[0].IsCompletedSuccessfully);
        Assert.True(tasks[2].IsCompletedSuccessfully);
        var error = Assert.IsType<FlintStorageException>(tasks[1].Exception!.InnerException);
        Assert.Equal("22P02", Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Null(writes[1].State.ETag);
        Assert.Equal(["ok_1", "ok_2"], await env.Strings("SELECT id FROM flint_objects WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
        Assert.Equal(["evt_ok_1"], await env.Strings("SELECT id FROM flint_events WHERE merchant_id = @m", ("m", merchant)));
        Assert.Equal(2, (await env.Strings("SELECT id FROM flint_object_log WHERE merchant_id = @m", ("m", merchant))).Count);
        Assert.Equal(2, (await env.Strings("SELECT grain_id_string FROM orleans_storage WHERE starts_with(grain_id_string, @m)", ("m", merchant + "/"))).Count);
    }

    [Fact]
    public async Task Through_the_API_a_product_whose_SKU_is_taken_gets_SKU_ALREADY_EXISTS_while_its_batch_mates_are_created()
    {
        await using var env = await StorageEnv.Start(f);
        var admin = new ApiClient(env.Host.Client, FlintTestHost.AdminToken);
        var key = (await admin.Post("/v1/merchants", """{"name":"Batch"}""")).Data["api_keys"]!["test"]!.GetValue<string>();
        var api = new ApiClient(env.Host.Client, key);
        var sku = CatalogData.Unique("DUP");
        await api.CreateSimple(sku: sku, quantity: 1);

        var prefix = CatalogData.Unique("Mate");
        var bodies = Enumerable.Range(0, 10)
            .Select(i => CatalogData.SimpleProductJson($"{prefix} {i}", sku: i == 6 ? sku : $"{prefix}-{i}", quantity: 2))
            .ToList();
        var largestBefore = env.Storage.Stats.LargestWriteBatch;
        ApiResponse[] results;
        await using (var gate = await env.HoldWrites())
        {
            var calls = bodies.Select(b => api.Post("/v1/products", b)).ToList();
            // Every product's first state write is queued behind the parked ones, so they go in one batch.
            await StorageEnv.WaitUntil(() => Task.FromResult(env.Storage.Stats.PendingWrites >= FlintGrainStorage.MaxWritesInFlight + bodies.Count));
            await gate.Release();
            results = await Task.WhenAll(calls);
        }
        Assert.True(env.Storage.Stats.LargestWriteBatch >= Math.Max(largestBefore, bodies.Count));

        for (var i = 0; i < results.Length; i++)
        {
            if (i == 6)
            {
                results[i].AssertError(409, "SKU_ALREADY_EXISTS");
                Assert.Equal($"SKU '{sku}' is already used by another variant or bundle.", results[i].Body!["error"]!.Str("message"));
            }
            else Assert.True(results[i].Status == 201, results[i].ToString());
        }
        var listed = await api.Get($"/v1/products?query={prefix}&limit=50");
        Assert.Equal(9, listed.Data.AsArray().Count);
        Assert.DoesNotContain(listed.Data.AsArray(), p => p!.Str("name") == $"{prefix} 6");
    }

    [Fact]
    public async Task A_stale_ETag_gets_InconsistentStateException_and_writes_nothing()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var grain = GrainOf(merchant, "obj");
        var current = new GrainState<TestState>(NewState(merchant, "obj", 1, "v1"));
        await env.Storage.WriteStateAsync(TestStateName, grain, current);
        current.State = NewState(merchant, "obj", 2, "v2");
        await env.Storage.WriteStateAsync(TestStateName, grain, current);
        Assert.Equal("2", current.ETag);

        // An activation that still holds version 1, and one that believes there is no row yet.
        var stale = new GrainState<TestState>(NewState(merchant, "obj", 99, "stale", skus: [CatalogData.Unique("SKU")], withEvent: true, withLog: true), "1");
        await Assert.ThrowsAsync<InconsistentStateException>(() => env.Storage.WriteStateAsync(TestStateName, grain, stale));
        Assert.Equal("1", stale.ETag);
        var fresh = new GrainState<TestState>(NewState(merchant, "obj", 98, "fresh", withEvent: true));
        await Assert.ThrowsAsync<InconsistentStateException>(() => env.Storage.WriteStateAsync(TestStateName, grain, fresh));
        Assert.Null(fresh.ETag);

        Assert.Equal(["2 v2"], await env.Strings(
            "SELECT version || ' ' || (convert_from(payload_binary, 'UTF8')::jsonb ->> 'name') FROM orleans_storage WHERE grain_id_string = @g",
            ("g", $"{merchant}/test/obj")));
        Assert.Equal(["2 v2"], await env.Strings("SELECT version || ' ' || name FROM flint_objects WHERE merchant_id = @m", ("m", merchant)));
        Assert.Empty(await env.Strings("SELECT sku FROM flint_skus WHERE merchant_id = @m", ("m", merchant)));
        Assert.Empty(await env.Strings("SELECT id FROM flint_events WHERE merchant_id = @m", ("m", merchant)));
        Assert.Empty(await env.Strings("SELECT id FROM flint_object_log WHERE merchant_id = @m", ("m", merchant)));

        // Clearing follows the same rule, keeps the row for its version, and the next write goes on from there.
        stale.RecordExists = true;
        await Assert.ThrowsAsync<InconsistentStateException>(() => env.Storage.ClearStateAsync(TestStateName, grain, stale));
        await env.Storage.ClearStateAsync(TestStateName, grain, current);
        Assert.Equal("3", current.ETag);
        Assert.False(current.RecordExists);
        var reread = new GrainState<TestState>();
        await env.Storage.ReadStateAsync(TestStateName, grain, reread);
        Assert.Equal("3", reread.ETag);
        Assert.False(reread.RecordExists);
        Assert.Equal("", reread.State!.Name);
        reread.State = NewState(merchant, "obj", 3, "v3");
        await env.Storage.WriteStateAsync(TestStateName, grain, reread);
        Assert.Equal("4", reread.ETag);
    }

    [Fact]
    public async Task Effects_are_written_with_the_state_and_kept_out_of_its_payload()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var grain = GrainOf(merchant, "ord_1");
        var sku = CatalogData.Unique("SKU");
        var state = NewState(merchant, "ord_1", 1, "order one", skus: [sku], withEvent: true, withLog: true);
        state.RelatedProjections =
        [
            Projection(merchant, "payment", "pay_1", 1, "payment one"),
            Projection(merchant, "refund", "ref_1", 1, "refund one"),
        ];
        var written = new GrainState<TestState>(state);
        await env.Storage.WriteStateAsync(TestStateName, grain, written);

        Assert.Equal(["ord_1 storage_test 1 order one", "pay_1 payment 1 payment one", "ref_1 refund 1 refund one"], await env.Strings(
            "SELECT id || ' ' || kind || ' ' || version || ' ' || name FROM flint_objects WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
        Assert.Equal(["{\"name\": \"order one\", \"nested\": {\"n\": 1}}"], await env.Strings(
            "SELECT doc::text FROM flint_objects WHERE merchant_id = @m AND id = 'ord_1'", ("m", merchant)));
        Assert.Equal([sku], await env.Strings("SELECT sku FROM flint_skus WHERE merchant_id = @m AND owner_id = 'ord_1'", ("m", merchant)));
        Assert.Equal(["evt_ord_1 storage_test.changed {\"object\": {\"id\": \"ord_1\"}}"], await env.Strings(
            "SELECT id || ' ' || type || ' ' || data::text FROM flint_events WHERE merchant_id = @m", ("m", merchant)));
        Assert.Equal(["log_ord_1_a note {\"delta\": -1}", "log_ord_1_b note {\"delta\": 2}"], await env.Strings(
            "SELECT id || ' ' || kind || ' ' || doc::text FROM flint_object_log WHERE merchant_id = @m AND environment = 'test' AND owner_id = 'ord_1' ORDER BY created_at, id",
            ("m", merchant)));

        // The payload is the state alone.
        var payload = JsonNode.Parse((await env.Strings(
            "SELECT convert_from(payload_binary, 'UTF8') FROM orleans_storage WHERE grain_id_string = @g", ("g", $"{merchant}/test/ord_1"))).Single())!.AsObject();
        Assert.Equal("order one", payload["name"]!.GetValue<string>());
        Assert.Equal(1, payload["version"]!.GetValue<long>());
        foreach (var effect in new[] { "projection", "related_projections", "outbox", "log" })
            Assert.False(payload.ContainsKey(effect), $"the payload carries '{effect}': {payload.ToJsonString()}");

        var read = new GrainState<TestState>();
        await env.Storage.ReadStateAsync(TestStateName, grain, read);
        Assert.Equal("order one", read.State!.Name);
        Assert.Null(read.State!.Projection);
        Assert.Empty(read.State!.Outbox);
        Assert.Null(read.State!.RelatedProjections);
        Assert.Null(read.State!.Log);

        // The same events and log rows written again with a later change stay once, as first written; a state
        // without effects leaves the projection alone.
        var again = NewState(merchant, "ord_1", 2, "order one, again", skus: [sku], withEvent: true, withLog: true);
        again.Log![0].Doc = """{"delta":-100}""";
        written.State = again;
        await env.Storage.WriteStateAsync(TestStateName, grain, written);
        written.State = new TestState { Version = 3, Name = "no effects" };
        await env.Storage.WriteStateAsync(TestStateName, grain, written);
        Assert.Equal("3", written.ETag);
        Assert.Equal(["2 order one, again"], await env.Strings(
            "SELECT version || ' ' || name FROM flint_objects WHERE merchant_id = @m AND id = 'ord_1'", ("m", merchant)));
        Assert.Equal(["evt_ord_1"], await env.Strings("SELECT id FROM flint_events WHERE merchant_id = @m", ("m", merchant)));
        Assert.Equal(["{\"delta\": -1}", "{\"delta\": 2}"], await env.Strings(
            "SELECT doc::text FROM flint_object_log WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
    }

    [Fact]
    public async Task A_log_row_its_owner_withdraws_is_deleted_by_that_write_in_a_batch_and_when_written_write_by_write()
    {
        await using var env = await StorageEnv.Start(f);
        var merchant = CatalogData.Unique("m");
        var grain = GrainOf(merchant, "cpn_1");
        var written = new GrainState<TestState>(NewState(merchant, "cpn_1", 1, "v1", withLog: true));
        await env.Storage.WriteStateAsync(TestStateName, grain, written);
        LogEntry Row(string id, string kind = "note", bool withdrawn = false) => new()
        {
            Kind = kind, MerchantId = merchant, Environment = "test", OwnerId = "cpn_1", Id = id, CreatedAt = T0, Withdrawn = withdrawn,
        };
        Task<List<string>> Rows() => env.Strings(
            "SELECT id FROM flint_object_log WHERE merchant_id = @m AND owner_id = 'cpn_1' ORDER BY id", ("m", merchant));

        // A write withdraws one row and adds another; a withdrawal that names another kind deletes nothing.
        var second = NewState(merchant, "cpn_1", 2, "v2");
        second.Log = [Row("log_cpn_1_a", withdrawn: true), Row("log_cpn_1_b", kind: "other", withdrawn: true), Row("log_cpn_1_c")];
        written.State = second;
        await env.Storage.WriteStateAsync(TestStateName, grain, written);
        Assert.Equal(["log_cpn_1_b", "log_cpn_1_c"], await Rows());

        // In a batch whose other write is refused, so that each write is applied on its own (the isolated path); the
        // refused write's withdrawal deletes nothing.
        var taken = CatalogData.Unique("SKU");
        await env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, "owner"), new GrainState<TestState>(NewState(merchant, "owner", 1, "owner", skus: [taken])));
        var third = NewState(merchant, "cpn_1", 3, "v3");
        third.Log = [Row("log_cpn_1_b", withdrawn: true)];
        written.State = third;
        var clash = NewState(merchant, "clash", 1, "clash", skus: [taken]);
        clash.Log = [Row("log_cpn_1_c", withdrawn: true)];
        List<Task> tasks;
        await using (var gate = await env.HoldWrites())
        {
            tasks = [env.Storage.WriteStateAsync(TestStateName, grain, written), env.Storage.WriteStateAsync(TestStateName, GrainOf(merchant, "clash"), new GrainState<TestState>(clash))];
            await gate.Release();
            try { await Task.WhenAll(tasks); } catch { /* the clash, looked at below */ }
        }
        Assert.True(tasks[0].IsCompletedSuccessfully);
        Assert.IsType<UniqueValueTakenException>(tasks[1].Exception!.InnerException);
        Assert.Equal(["log_cpn_1_c"], await Rows());
    }
}
