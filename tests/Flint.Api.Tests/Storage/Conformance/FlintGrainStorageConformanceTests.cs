using Flint.Abstractions;
using Flint.Api.Tests.Infrastructure;
using Flint.Persistence.Storage;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage.Conformance;

/// <summary>
/// Flint's grain storage passes the conformance suite, and keeps what only it promises: a write's projection, events
/// and log rows are stored in the same transaction as its state; a write refused between its steps leaves nothing
/// of itself; and concurrent writes share transactions (group commit) without anyone being answered early.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FlintGrainStorageConformanceTests(ApiFixture f) : GrainStorageConformance(f)
{
    protected override string StorageName => StorageNames.Flint;

    [Fact]
    public async Task A_write_stores_its_projections_events_log_rows_and_SKUs_in_the_transaction_of_its_state()
    {
        await using var env = StorageEnv.Shared(Fixture);
        var merchant = CatalogData.Unique("m");
        var state = NewState(merchant, "ord_1", 1, "order one", skus: [CatalogData.Unique("SKU")], withEvent: true, withLog: true);
        state.RelatedProjections = [Projection(merchant, "payment", "pay_1", 1, "payment one")];
        await Storage(env).WriteStateAsync(StateName, GrainOf(merchant, "ord_1"), new GrainState<TestState>(state));

        // Rows a transaction writes carry its id (xmin): one id for all of them is one transaction.
        var transactions = await env.Strings("""
            SELECT DISTINCT x FROM (
                SELECT xmin::text AS x FROM orleans_storage WHERE grain_type = @t AND grain_id_string = @g
                UNION ALL SELECT xmin::text FROM flint_objects WHERE merchant_id = @m
                UNION ALL SELECT xmin::text FROM flint_skus WHERE merchant_id = @m
                UNION ALL SELECT xmin::text FROM flint_events WHERE merchant_id = @m
                UNION ALL SELECT xmin::text FROM flint_object_log WHERE merchant_id = @m) AS rows
            """, ("t", StateName), ("g", $"{merchant}/test/ord_1"), ("m", merchant));
        Assert.Single(transactions);
        Assert.Equal(["ord_1", "pay_1"], await env.Strings("SELECT id FROM flint_objects WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
        Assert.Equal(2, (await env.Strings("SELECT id FROM flint_object_log WHERE merchant_id = @m", ("m", merchant))).Count);
    }

    [Fact]
    public async Task A_write_refused_after_its_state_row_leaves_nothing_of_itself_and_the_previous_version_stands()
    {
        await using var env = StorageEnv.Shared(Fixture);
        var storage = Storage(env);
        var merchant = CatalogData.Unique("m");
        var taken = CatalogData.Unique("SKU");
        await storage.WriteStateAsync(StateName, GrainOf(merchant, "owner"), new GrainState<TestState>(NewState(merchant, "owner", 1, "owner", skus: [taken])));

        // A first write: its state row is written before its SKUs are claimed, and goes with the refusal.
        var newcomer = new GrainState<TestState>(NewState(merchant, "newcomer", 1, "newcomer", skus: [taken], withEvent: true, withLog: true));
        var refused = await Assert.ThrowsAsync<UniqueValueTakenException>(() => storage.WriteStateAsync(StateName, GrainOf(merchant, "newcomer"), newcomer));
        Assert.Equal((UniqueValue.Sku, taken), (refused.What, refused.Value));
        Assert.Null(newcomer.ETag);

        // A later write of an existing state: version 1 stays, with its projection, and nothing of version 2 appears.
        var grain = GrainOf(merchant, "editor");
        var editor = new GrainState<TestState>(NewState(merchant, "editor", 1, "editor v1"));
        await storage.WriteStateAsync(StateName, grain, editor);
        editor.State = NewState(merchant, "editor", 2, "editor v2", skus: [taken], withEvent: true, withLog: true);
        await Assert.ThrowsAsync<UniqueValueTakenException>(() => storage.WriteStateAsync(StateName, grain, editor));
        Assert.Equal("1", editor.ETag);

        Assert.Equal(["editor 1", "owner 1"], await env.Strings(
            "SELECT split_part(grain_id_string, '/', 3) || ' ' || version FROM orleans_storage WHERE grain_type = @t AND starts_with(grain_id_string, @m) ORDER BY 1",
            ("t", StateName), ("m", merchant + "/")));
        Assert.Equal(["editor 1 editor v1", "owner 1 owner"], await env.Strings(
            "SELECT id || ' ' || version || ' ' || name FROM flint_objects WHERE merchant_id = @m ORDER BY id", ("m", merchant)));
        Assert.Empty(await env.Strings("SELECT id FROM flint_events WHERE merchant_id = @m", ("m", merchant)));
        Assert.Empty(await env.Strings("SELECT id FROM flint_object_log WHERE merchant_id = @m", ("m", merchant)));

        // The storage did not move on either: the same grain writes version 2 from version 1.
        editor.State = NewState(merchant, "editor", 2, "editor v2", skus: [CatalogData.Unique("SKU")]);
        await storage.WriteStateAsync(StateName, grain, editor);
        Assert.Equal("2", editor.ETag);
    }

    [Fact]
    public async Task Many_concurrent_writes_share_a_few_transactions_and_each_is_answered_after_its_own()
    {
        await using var env = StorageEnv.Shared(Fixture);
        var storage = (FlintGrainStorage)Storage(env);
        var merchant = CatalogData.Unique("m");
        const int writes = 200;
        var before = storage.Stats;

        await Task.WhenAll(Enumerable.Range(0, writes).Select(async i =>
        {
            var state = new GrainState<TestState>(NewState(merchant, $"g{i:D3}", 1, $"g{i:D3}", withEvent: true));
            await storage.WriteStateAsync(StateName, GrainOf(merchant, $"g{i:D3}"), state);
            Assert.Equal("1", state.ETag);
            Assert.Equal([$"evt_g{i:D3}"], await env.Strings("SELECT id FROM flint_events WHERE id = @id", ("id", $"evt_g{i:D3}")));
        }));

        var after = storage.Stats;
        Assert.Equal(writes, after.WritesSubmitted - before.WritesSubmitted);
        // Submitted together, they go in batches of up to MaxWriteBatch: a handful of statements, not 200.
        Assert.InRange(after.WriteStatements - before.WriteStatements, 1, writes / 10);
        Assert.True(after.LargestWriteBatch > 1);
    }
}
