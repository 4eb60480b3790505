using Npgsql;

namespace Flint.Persistence.Users;

/// <summary>A merchant's dashboard user as listed (never its password hash).</summary>
public sealed record UserRecord(string Id, string MerchantId, string Email, DateTimeOffset CreatedAt, DateTimeOffset? RemovedAt);

/// <summary>A user to store: its record and its password hash (ASP.NET Core Identity's format).</summary>
public sealed record NewUserRow(UserRecord User, string PasswordHash);

/// <summary>What a sign-in checks: the active user with that email, its hash and its lockout state.</summary>
public sealed record UserCredentials(UserRecord User, string PasswordHash, int FailedSignIns, DateTimeOffset? LockedUntil);

/// <summary>A wrong password, as the database counted it: <see cref="Counted"/> false when the user was already locked
/// (or had just been removed) so nothing was counted; <see cref="LockedUntil"/> set when this failure locked the user.</summary>
public sealed record FailedSignIn(bool Counted, DateTimeOffset? LockedUntil);

/// <summary>Dashboard users (flint_users, deploy/sql/018_users.sql): merchant-wide (both environments), found by their
/// email (unique among active users across Flint) or by id. The lockout count moves by one atomic statement per
/// attempt, never read-modify-write, so concurrent wrong passwords all count.</summary>
public interface IUserDirectory
{
    /// <summary>Adds the user; false (nothing written) when an active user already has the email.</summary>
    Task<bool> Add(NewUserRow user, CancellationToken ct);

    /// <summary>The merchant's active users, newest first.</summary>
    Task<IReadOnlyList<UserRecord>> Users(string merchantId, CancellationToken ct);

    /// <summary>Removes the merchant's active user (its sessions stop working, its email is free again); null when the
    /// merchant has no such active user.</summary>
    Task<UserRecord?> Remove(string merchantId, string userId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The active user with this (normalized) email, for a sign-in.</summary>
    Task<UserCredentials?> CredentialsOf(string email, CancellationToken ct);

    /// <summary>Whether the user is still an active user of that merchant (a session's check on every page).</summary>
    Task<bool> IsActive(string userId, string merchantId, CancellationToken ct);

    /// <summary>Counts a wrong password unless the user is locked at <paramref name="now"/>: the
    /// <paramref name="limit"/>-th consecutive failure locks the user until <paramref name="lockedUntil"/> and starts
    /// the count again.</summary>
    Task<FailedSignIn> RecordFailedSignIn(string userId, DateTimeOffset now, int limit, DateTimeOffset lockedUntil, CancellationToken ct);

    /// <summary>Records a right password unless the user is locked at <paramref name="now"/> (or removed): resets the
    /// count and stores <paramref name="newPasswordHash"/> when the hasher asked for a rehash. False when refused.</summary>
    Task<bool> RecordSignIn(string userId, string? newPasswordHash, DateTimeOffset now, CancellationToken ct);
}

internal sealed class UserDirectory(NpgsqlDataSource db) : IUserDirectory
{
    /// <summary>The unique index a second active user with one email runs into.</summary>
    private const string ActiveEmailIndex = "flint_users_active_email_idx";

    public async Task<bool> Add(NewUserRow user, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await TryInsert(conn, null, user, ct);
    }

    public async Task<IReadOnlyList<UserRecord>> Users(string merchantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, merchant_id, email, created_at, removed_at FROM flint_users
            WHERE merchant_id = @m AND removed_at IS NULL ORDER BY created_at DESC, id DESC
            """);
        cmd.Parameters.AddWithValue("m", merchantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<UserRecord>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public async Task<UserRecord?> Remove(string merchantId, string userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_users SET removed_at = @now
            WHERE id = @id AND merchant_id = @m AND removed_at IS NULL
            RETURNING id, merchant_id, email, created_at, removed_at
            """);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("id", userId);
        cmd.Parameters.AddWithValue("m", merchantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<UserCredentials?> CredentialsOf(string email, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, merchant_id, email, created_at, removed_at, password_hash, failed_sign_ins, locked_until FROM flint_users
            WHERE email = @email AND removed_at IS NULL
            """);
        cmd.Parameters.AddWithValue("email", email);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new UserCredentials(Read(r), r.GetString(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));
    }

    public async Task<bool> IsActive(string userId, string merchantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM flint_users WHERE id = @id AND merchant_id = @m AND removed_at IS NULL");
        cmd.Parameters.AddWithValue("id", userId);
        cmd.Parameters.AddWithValue("m", merchantId);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<FailedSignIn> RecordFailedSignIn(string userId, DateTimeOffset now, int limit, DateTimeOffset lockedUntil, CancellationToken ct)
    {
        // One statement: concurrent failures queue on the row lock, and each re-reads the row another just committed
        // (READ COMMITTED re-checks the WHERE on the new version), so every failure counts once and a failure that
        // arrives after the lock is not counted. SET expressions read the row as it was before this statement.
        await using var cmd = db.CreateCommand("""
            UPDATE flint_users SET
                failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @limit THEN 0 ELSE failed_sign_ins + 1 END,
                locked_until = CASE WHEN failed_sign_ins + 1 >= @limit THEN @locked_until ELSE locked_until END
            WHERE id = @id AND removed_at IS NULL AND (locked_until IS NULL OR locked_until <= @now)
            RETURNING locked_until
            """);
        cmd.Parameters.AddWithValue("limit", limit);
        cmd.Parameters.AddWithValue("locked_until", lockedUntil);
        cmd.Parameters.AddWithValue("id", userId);
        cmd.Parameters.AddWithValue("now", now);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new FailedSignIn(Counted: false, null);
        var until = r.IsDBNull(0) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(0);
        // A lock older than now is a past one this failure did not renew.
        return new FailedSignIn(Counted: true, until is { } u && u > now ? u : null);
    }

    public async Task<bool> RecordSignIn(string userId, string? newPasswordHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE flint_users SET failed_sign_ins = 0, locked_until = NULL, password_hash = COALESCE(@hash, password_hash)
            WHERE id = @id AND removed_at IS NULL AND (locked_until IS NULL OR locked_until <= @now)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("hash", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = newPasswordHash });
        cmd.Parameters.AddWithValue("id", userId);
        cmd.Parameters.AddWithValue("now", now);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Inserts the user on <paramref name="conn"/> (inside <paramref name="tx"/> when given: a merchant and its
    /// owner are one transaction); false when an active user has the email. In a transaction that refusal aborts the
    /// transaction, which the caller then rolls back.</summary>
    internal static async Task<bool> TryInsert(NpgsqlConnection conn, NpgsqlTransaction? tx, NewUserRow row, CancellationToken ct)
    {
        var user = row.User;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO flint_users (id, merchant_id, email, password_hash, created_at)
            VALUES (@id, @m, @email, @hash, @now)
            """, conn, tx);
        cmd.Parameters.AddWithValue("id", user.Id);
        cmd.Parameters.AddWithValue("m", user.MerchantId);
        cmd.Parameters.AddWithValue("email", user.Email);
        cmd.Parameters.AddWithValue("hash", row.PasswordHash);
        cmd.Parameters.AddWithValue("now", user.CreatedAt);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == ActiveEmailIndex)
        {
            return false;
        }
    }

    private static UserRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4));
}
