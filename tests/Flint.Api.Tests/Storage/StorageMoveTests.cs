using System.Globalization;
using System.Text;
using Flint.Abstractions;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Payments;
using Flint.Grains.Payments;
using Flint.Persistence;
using Orleans.Storage;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage;

/// <summary>
/// Flint's grain storage and Orleans' ADO.NET storage share orleans_storage and find a grain's row by the same natural
/// key (service, state name, the grain id's split into n0/n1/string), whichever wrote it; the hash columns differ by
/// provider and are never looked up. So the simulated processor's records, written by Flint's storage before they moved
/// to the ADO.NET one, still load, and a grain can move either way.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StorageMoveTests(ApiFixture f)
{
    [Fact]
    public async Task A_simulated_processor_record_written_by_Flint_storage_loads_in_the_plain_storage_and_goes_on_from_its_version()
    {
        await using var env = StorageEnv.Shared(f);
        var merchant = CatalogData.Unique("m");
        // The grain's real state name and key shape ("merchant/environment/sim:…").
        var grain = GrainId.Create("simulatedrecord", $"{merchant}/test/sim:charge_pay_1");
        var written = new GrainState<SimulatedRecordState>(new SimulatedRecordState
        {
            Version = 1, Kind = "charge", Reference = "ch_1", Outcome = "succeeded", AmountMinor = 5579, Currency = "USD", Brand = "visa", Last4 = "4242",
        });
        await env.GrainStorage(StorageNames.Flint).WriteStateAsync("simulated_processor", grain, written);

        var read = new GrainState<SimulatedRecordState>();
        await env.GrainStorage(StorageNames.Plain).ReadStateAsync("simulated_processor", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(FlintJson.Serialize(written.State), FlintJson.Serialize(read.State));

        read.State!.Outcome = "refunded";
        await env.GrainStorage(StorageNames.Plain).WriteStateAsync("simulated_processor", grain, read);
        Assert.Equal("2", read.ETag);
        Assert.Equal(["2"], await env.Strings(
            "SELECT version::text FROM orleans_storage WHERE grain_type = 'simulated_processor' AND grain_id_string = @g", ("g", $"{merchant}/test/sim:charge_pay_1")));
    }

    [Fact]
    public async Task Each_storage_finds_the_rows_the_other_wrote_for_every_key_shape()
    {
        await using var env = StorageEnv.Shared(f);
        var flint = env.GrainStorage(StorageNames.Flint);
        var stock = env.GrainStorage(FlintStorage.StockAdoNetStorageName);
        var merchant = CatalogData.Unique("m");
        var type = GrainType.Create("storagetest");
        GrainId[] keys =
        [
            GrainOf(merchant, "s"),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64(1, long.MaxValue))),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64(1, long.MaxValue), merchant)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid())),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), merchant)),
        ];
        foreach (var (writer, reader) in new[] { (flint, stock), (stock, flint) })
        {
            var stateName = writer == flint ? "moved_from_flint" : "moved_from_adonet";
            foreach (var key in keys)
            {
                var state = new GrainState<TestState>(new TestState { Version = 1, Name = $"{stateName} {key}" });
                await writer.WriteStateAsync(stateName, key, state);
                var read = new GrainState<TestState>();
                await reader.ReadStateAsync(stateName, key, read);
                Assert.True(read.RecordExists, $"{stateName}: {key} not found");
                Assert.Equal((state.ETag, state.State!.Name), (read.ETag, read.State!.Name));
                read.State = new TestState { Version = 2, Name = "next" };
                await reader.WriteStateAsync(stateName, key, read);
                Assert.Equal("2", read.ETag);
            }
        }
    }

    [Fact]
    public async Task The_simulated_processor_writes_through_Orleans_ADO_NET_storage()
    {
        var (api, _, merchantId) = await f.NewMerchant("Plain ledger");
        var product = await api.Stocked(1000, 5);
        var order = await api.NewOrder((product.VariantIds[0], 1));
        var paid = await api.PayWith(order.Str("order_id"), "tok_visa");
        Assert.True(paid.Status == 200, paid.ToString());

        // Each provider hashes the state name its own way into grain_type_hash; the ledger's rows carry the ADO.NET one.
        await using var env = StorageEnv.Shared(f);
        var hashes = await env.Strings(
            "SELECT DISTINCT grain_type_hash::text FROM orleans_storage WHERE grain_type = 'simulated_processor' AND starts_with(grain_id_string, @m)",
            ("m", merchantId + "/"));
        Assert.Equal([new OrleansDefaultHasher().Hash(Encoding.UTF8.GetBytes("simulated_processor")).ToString(CultureInfo.InvariantCulture)], hashes);
    }

    [Fact]
    public async Task The_plain_storage_refuses_a_state_that_carries_effects_instead_of_losing_them()
    {
        await using var env = StorageEnv.Shared(f);
        var merchant = CatalogData.Unique("m");
        var withEvent = new GrainState<TestState>(NewState(merchant, "obj", 1, "obj", withEvent: true));
        withEvent.State!.Projection = null;
        var withProjection = new GrainState<TestState>(NewState(merchant, "obj", 1, "obj"));
        foreach (var state in new[] { withEvent, withProjection })
            await Assert.ThrowsAsync<InvalidOperationException>(() => env.GrainStorage(StorageNames.Plain).WriteStateAsync("plain_guard", GrainOf(merchant, "obj"), state));
        Assert.Empty(await env.Strings("SELECT grain_id_string FROM orleans_storage WHERE grain_type = 'plain_guard' AND starts_with(grain_id_string, @m)", ("m", merchant + "/")));
    }
}
