using Flint.Api.Tests.Infrastructure;
using Orleans.Storage;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage.Conformance;

/// <summary>
/// What any grain storage Flint runs on must do, on the real database: a state reads back as written with its
/// ETag; a write or clear under a stale ETag is refused and changes nothing; clearing forgets the state but not the
/// row's place in the version order; every key shape Orleans has (string, integer, Guid, with and without an
/// extension) is kept apart; and under many concurrent writers each is answered only once its write is durable,
/// with exact versions. Each storage gets a subclass (Flint's adds what only it promises).
/// </summary>
/// <remarks>Runs on the collection's shared host, each test under a merchant (string keys) or random keys of its
/// own, so storages are tested exactly as the host registers them.</remarks>
public abstract class GrainStorageConformance(ApiFixture f)
{
    protected const string StateName = "storage_conformance";

    /// <summary>The registered name of the storage under test.</summary>
    protected abstract string StorageName { get; }

    protected ApiFixture Fixture => f;

    private protected IGrainStorage Storage(StorageEnv env) => env.GrainStorage(StorageName);

    private static TestState Plain(long version, string name) => new() { Version = version, Name = name };

    /// <summary>A fresh grain written twice ("v1", then "v2"): its state as the second write left it, and the first ETag.</summary>
    private static async Task<(GrainId Grain, GrainState<TestState> Current, string? FirstETag)> WrittenTwice(IGrainStorage storage)
    {
        var grain = GrainOf(CatalogData.Unique("m"), "obj");
        var current = new GrainState<TestState>(Plain(1, "v1"));
        await storage.WriteStateAsync(StateName, grain, current);
        var firstETag = current.ETag;
        current.State = Plain(2, "v2");
        await storage.WriteStateAsync(StateName, grain, current);
        return (grain, current, firstETag);
    }

    [Fact]
    public async Task A_state_never_written_reads_as_a_new_state_without_an_etag()
    {
        await using var env = StorageEnv.Shared(f);
        var read = new GrainState<TestState>();
        await Storage(env).ReadStateAsync(StateName, GrainOf(CatalogData.Unique("m"), "never"), read);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal("", Assert.IsType<TestState>(read.State).Name);
    }

    [Fact]
    public async Task A_written_state_reads_back_as_written_with_its_etag()
    {
        await using var env = StorageEnv.Shared(f);
        var grain = GrainOf(CatalogData.Unique("m"), "obj");
        var written = new GrainState<TestState>(Plain(1, "first"));
        await Storage(env).WriteStateAsync(StateName, grain, written);
        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);

        var read = new GrainState<TestState>();
        await Storage(env).ReadStateAsync(StateName, grain, read);
        Assert.Equal((written.ETag, true, "first", 1L), (read.ETag, read.RecordExists, read.State!.Name, read.State!.Version));

        read.State = Plain(2, "second");
        await Storage(env).WriteStateAsync(StateName, grain, read);
        Assert.NotEqual(written.ETag, read.ETag);
        var again = new GrainState<TestState>();
        await Storage(env).ReadStateAsync(StateName, grain, again);
        Assert.Equal((read.ETag, "second"), (again.ETag, again.State!.Name));
    }

    [Fact]
    public async Task A_write_under_a_stale_etag_is_refused_and_changes_nothing()
    {
        await using var env = StorageEnv.Shared(f);
        var storage = Storage(env);
        var (grain, current, firstETag) = await WrittenTwice(storage);

        // An activation that still holds the first version, and one that believes there is no state yet.
        var stale = new GrainState<TestState>(Plain(9, "stale"), firstETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));
        Assert.Equal(firstETag, stale.ETag);
        var unaware = new GrainState<TestState>(Plain(9, "unaware"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, unaware));
        Assert.Null(unaware.ETag);

        var read = new GrainState<TestState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal((current.ETag, "v2"), (read.ETag, read.State!.Name));
    }

    [Fact]
    public async Task Clearing_forgets_the_state_refuses_a_stale_etag_and_later_writes_go_on_from_it()
    {
        await using var env = StorageEnv.Shared(f);
        var storage = Storage(env);
        var (grain, current, firstETag) = await WrittenTwice(storage);
        var stale = new GrainState<TestState>(Plain(1, "v1"), firstETag) { RecordExists = true };

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));
        await storage.ClearStateAsync(StateName, grain, current);
        Assert.False(current.RecordExists);
        Assert.Equal("", current.State!.Name);

        var read = new GrainState<TestState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal("", read.State!.Name);
        Assert.Equal(current.ETag, read.ETag);

        // The activation that held the state before the clear cannot write over it; the clearing one goes on.
        stale.State = Plain(3, "stale");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));
        read.State = Plain(3, "v3");
        await storage.WriteStateAsync(StateName, grain, read);
        var after = new GrainState<TestState>();
        await storage.ReadStateAsync(StateName, grain, after);
        Assert.Equal((read.ETag, true, "v3"), (after.ETag, after.RecordExists, after.State!.Name));
    }

    [Fact]
    public async Task Every_key_shape_is_stored_apart_under_its_own_key()
    {
        await using var env = StorageEnv.Shared(f);
        var storage = Storage(env);
        var merchant = CatalogData.Unique("m");
        var number = Random.Shared.NextInt64(1, long.MaxValue);
        var guid = Guid.NewGuid();
        var type = GrainType.Create("storagetest");
        GrainId[] keys =
        [
            GrainOf(merchant, "a"),
            GrainOf(merchant, "b"),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(number)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(number, merchant)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, merchant)),
        ];
        for (var i = 0; i < keys.Length; i++)
            await storage.WriteStateAsync(StateName, keys[i], new GrainState<TestState>(Plain(1, $"key {i}")));

        for (var i = 0; i < keys.Length; i++)
        {
            var read = new GrainState<TestState>();
            await storage.ReadStateAsync(StateName, keys[i], read);
            Assert.True(read.RecordExists, $"{keys[i]} was not found");
            Assert.Equal($"key {i}", read.State!.Name);
        }
    }

    [Fact]
    public async Task Concurrent_writers_are_each_answered_only_once_their_write_is_durable_with_exact_versions()
    {
        await using var env = StorageEnv.Shared(f);
        var storage = Storage(env);
        var merchant = CatalogData.Unique("m");
        const int writers = 48, rounds = 4;
        var states = Enumerable.Range(0, writers).Select(_ => new GrainState<TestState>()).ToArray();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            var grain = GrainOf(merchant, $"w{i:D2}");
            for (var round = 1; round <= rounds; round++)
            {
                states[i].State = Plain(round, $"{i}:{round}");
                await storage.WriteStateAsync(StateName, grain, states[i]);
                // Answered: another session sees the version it was told, so the write had committed.
                Assert.Equal([states[i].ETag!], await env.Strings(
                    "SELECT version::text FROM orleans_storage WHERE grain_type = @t AND grain_id_string = @g",
                    ("t", StateName), ("g", $"{merchant}/test/w{i:D2}")));
            }
        }));

        // One version per write, no more, no fewer; the last write is what reads back.
        Assert.All(states, s => Assert.Equal(rounds.ToString(), s.ETag));
        for (var i = 0; i < writers; i++)
        {
            var read = new GrainState<TestState>();
            await storage.ReadStateAsync(StateName, GrainOf(merchant, $"w{i:D2}"), read);
            Assert.Equal((rounds.ToString(), $"{i}:{rounds}"), (read.ETag, read.State!.Name));
        }
    }
}
