using Npgsql;

namespace Flint.Bench;

/// <summary>The target database's own counters before and after a measurement: transactions committed, rows
/// written, WAL bytes (the instance's; the targets are measured one after the other). Per checkout, they show
/// how many durable round trips a checkout costs.</summary>
public sealed record DbCounters(long Commits, long RowsWritten, long WalBytes)
{
    public static async Task<DbCounters?> Read(string? connectionString)
    {
        if (connectionString is null) return null;
        try
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            // The statistics collector publishes with a delay; a fresh snapshot makes before/after comparable.
            await using var cmd = db.CreateCommand("""
                SELECT pg_stat_clear_snapshot();
                SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, pg_current_wal_lsn() - '0/0'::pg_lsn
                FROM pg_stat_database WHERE datname = current_database()
                """);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.NextResultAsync();
            if (!await r.ReadAsync()) return null;
            return new DbCounters(r.GetInt64(0), r.GetInt64(1), (long)r.GetDecimal(2));
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}

public sealed record DbCost(double CommitsPerCheckout, double RowsWrittenPerCheckout, double WalKbPerCheckout, long Commits);
