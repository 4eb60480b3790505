using Flint.Abstractions;
using Flint.Api.Tests.Infrastructure;
using Flint.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using static Flint.Api.Tests.Storage.StorageTestData;

namespace Flint.Api.Tests.Storage;

/// <summary>A Flint host and its database, its grain storages, a way to hold its writes back, and reads of its tables.</summary>
internal sealed class StorageEnv : IAsyncDisposable
{
    private readonly bool _ownsHost;

    private StorageEnv(FlintTestHost host, string connectionString, bool ownsHost)
    {
        Host = host;
        ConnectionString = connectionString;
        _ownsHost = ownsHost;
        Storage = (FlintGrainStorage)GrainStorage(StorageNames.Flint);
    }

    public FlintTestHost Host { get; }
    public string ConnectionString { get; }
    public FlintGrainStorage Storage { get; }

    /// <summary>A host on a database of its own, for tests that lock tables or count every statement.</summary>
    public static async Task<StorageEnv> Start(ApiFixture f)
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        return new StorageEnv(await FlintTestHost.StartAsync(db, clusterId: "storage"), db, ownsHost: true);
    }

    /// <summary>The collection's shared host (left running), for tests that keep to merchants of their own.</summary>
    public static StorageEnv Shared(ApiFixture f) => new(f.Host, f.ConnectionString, ownsHost: false);

    /// <summary>One of the host's named grain storages, as registered.</summary>
    public IGrainStorage GrainStorage(string name) => Host.Services.GetRequiredKeyedService<IGrainStorage>(name);

    /// <summary>Locks orleans_storage against writes and parks one write in each of the storage's in-flight
    /// slots on that lock: writes submitted from now on queue up until <see cref="Gate.Release"/>.</summary>
    public async Task<Gate> HoldWrites()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE orleans_storage IN EXCLUSIVE MODE", connection, tx))
            await lockCmd.ExecuteNonQueryAsync();
        var parked = new List<Task>();
        for (var i = 1; i <= FlintGrainStorage.MaxWritesInFlight; i++)
        {
            var id = $"parked-{Guid.NewGuid():N}";
            parked.Add(Storage.WriteStateAsync("storage_parked", GrainId.Create("storagetest", id), new GrainState<TestState>(new TestState { Name = id })));
            var expected = i;
            await WaitUntil(async () => await WaitingOnLock() >= expected);
        }
        return new Gate(connection, tx, parked);
    }

    private async Task<long> WaitingOnLock()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'relation' AND NOT granted AND relation = 'orleans_storage'::regclass
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The storage did not reach the expected state.");
            await Task.Delay(10);
        }
    }

    public async Task<List<object?[]>> Rows(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        var rows = new List<object?[]>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task<List<string>> Strings(string sql, params (string Name, object Value)[] parameters) =>
        (await Rows(sql, parameters)).Select(r => (string)r[0]!).ToList();

    /// <summary>A pool of the test's own, apart from the host's.</summary>
    private NpgsqlDataSource Database => LazyInitializer.EnsureInitialized(ref _database, () => NpgsqlDataSource.Create(ConnectionString));
    private NpgsqlDataSource? _database;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        if (_ownsHost) await Host.DisposeAsync();
    }

    public sealed class Gate(NpgsqlConnection connection, NpgsqlTransaction tx, List<Task> parked) : IAsyncDisposable
    {
        private bool _released;

        public async Task Release()
        {
            if (_released) return;
            _released = true;
            await tx.RollbackAsync();
            await connection.DisposeAsync();
            await Task.WhenAll(parked);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_released) await Release();
        }
    }
}
