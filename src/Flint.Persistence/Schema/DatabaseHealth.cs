using Npgsql;

namespace Flint.Persistence.Schema;

/// <summary>Whether the database answers (the readiness check's half that is not the cluster).</summary>
public interface IDatabaseHealth
{
    /// <summary>Completes when the database answered a trivial query; throws what reaching it threw.</summary>
    Task Ping(CancellationToken ct);
}

internal sealed class DatabaseHealth(NpgsqlDataSource db) : IDatabaseHealth
{
    public async Task Ping(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT 1");
        await cmd.ExecuteScalarAsync(ct);
    }
}
