using Microsoft.Extensions.Logging;
using Npgsql;

namespace Flint.Persistence.Schema;

/// <summary>
/// Brings a PostgreSQL database to Flint's schema by running the idempotent scripts in <c>deploy/sql</c>
/// (Orleans query table, membership, grain state, reminders, Flint's own tables) at every host start, so
/// nobody ever runs SQL by hand.
/// </summary>
public static class SchemaMigrator
{
    // Any fixed value works as long as every Flint process uses the same one: it makes silos that start
    // together apply the scripts one after the other instead of racing on CREATE TABLE / CREATE FUNCTION.
    private const long MigrationLockKey = 0x466C_696E_7453_514C; // "FlintSQL"

    /// <summary>
    /// Applies every <c>*.sql</c> file of <paramref name="sqlDirectory"/> in ordinal name order, each in its
    /// own transaction, while holding a session advisory lock.
    /// </summary>
    public static async Task ApplyAsync(string connectionString, string sqlDirectory, ILogger logger, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlDirectory);
        ArgumentNullException.ThrowIfNull(logger);

        if (!Directory.Exists(sqlDirectory))
        {
            throw new DirectoryNotFoundException($"Schema script directory '{sqlDirectory}' does not exist.");
        }

        // Ordinal order so that "010_x" always follows "004_y" whatever the machine's culture.
        var scripts = Directory.GetFiles(sqlDirectory, "*.sql")
            .OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .ToArray();
        if (scripts.Length == 0)
        {
            throw new InvalidOperationException($"Schema script directory '{sqlDirectory}' contains no *.sql files.");
        }

        // A dedicated, unpooled session: closing it is guaranteed to drop the advisory lock even if the
        // explicit unlock below never runs (e.g. the connection broke).
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            // No timeout: waiting for another silo's migration to finish is the point.
            lockCommand.CommandTimeout = 0;
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        try
        {
            foreach (var script in scripts)
            {
                ct.ThrowIfCancellationRequested();
                var sql = await File.ReadAllTextAsync(script, ct);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();

                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    command.CommandTimeout = 0;
                    await command.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);

                logger.LogInformation(
                    "Applied schema script {Script} in {ElapsedMs:F0} ms",
                    Path.GetFileName(script),
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                // CancellationToken.None: the lock must be released even when start-up is being cancelled.
                await using var unlockCommand = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlockCommand.Parameters.AddWithValue("key", MigrationLockKey);
                await unlockCommand.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }

        logger.LogInformation("Database schema is up to date ({Count} scripts from {Directory})", scripts.Length, sqlDirectory);
    }

    /// <summary>
    /// Creates the database named in <paramref name="connectionString"/> if it does not exist yet, connecting
    /// to the <c>postgres</c> maintenance database (or <c>template1</c> where that one is missing) with the
    /// same credentials.
    /// </summary>
    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var target = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql, like libpq, defaults the database to the user name.
        var database = string.IsNullOrEmpty(target.Database) ? target.Username : target.Database;
        if (string.IsNullOrEmpty(database))
        {
            throw new InvalidOperationException("The connection string names neither a database nor a user.");
        }

        foreach (var maintenanceDatabase in new[] { "postgres", "template1" })
        {
            var maintenance = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Database = maintenanceDatabase,
                Pooling = false,
            };
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            try
            {
                await connection.OpenAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && maintenanceDatabase == "postgres")
            {
                continue;
            }

            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
            {
                exists.Parameters.AddWithValue("name", database);
                if (await exists.ExecuteScalarAsync(ct) is not null)
                {
                    return;
                }
            }

            try
            {
                // CREATE DATABASE takes no parameters; the name is quoted as an identifier instead.
                await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another process created it between our check and our CREATE (two racing CREATE DATABASE
                // statements can also collide on pg_database's unique index): that is the goal anyway.
            }
            return;
        }
    }

    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
