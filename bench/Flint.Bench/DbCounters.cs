using Npgsql;

namespace Flint.Bench;

/// <summary>The target database's own counters before and after a measurement: transactions committed, rows
/// written, WAL bytes (the instance's; the targets are measured one after the other). Per checkout, they show
/// how many durable round trips a checkout costs.</summary>
public sealed record DbCounters(long Commits, long RowsWritten, long WalBytes, Dictionary<string, long> RowsByTable)
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
            var totals = (r.GetInt64(0), r.GetInt64(1), (long)r.GetDecimal(2));
            await r.CloseAsync();
            var byTable = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var tables = db.CreateCommand("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables");
            await using var t = await tables.ExecuteReaderAsync();
            while (await t.ReadAsync()) byTable[t.GetString(0)] = t.GetInt64(1);
            return new DbCounters(totals.Item1, totals.Item2, totals.Item3, byTable);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}

/// <param name="RowsWrittenByTable">Rows inserted, updated or deleted per checkout, by table (largest first).</param>
public sealed record DbCost(double CommitsPerCheckout, double RowsWrittenPerCheckout, double WalKbPerCheckout, long Commits,
    Dictionary<string, double>? RowsWrittenByTable = null);
