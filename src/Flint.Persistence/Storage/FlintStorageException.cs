namespace Flint.Persistence.Storage;

/// <summary>
/// A grain state write or read that the database refused or that could not be completed. For a refusal the
/// message is the database's own "SQLSTATE: message" (like Npgsql's PostgresException), followed by the
/// constraint on a line of its own, for the logs. A refusal with a business meaning reaches the grain as a
/// <see cref="Flint.Abstractions.UniqueValueTakenException"/> that carries this one as its inner exception
/// (see <see cref="StorageRefusals"/>); code never reads this message.
/// </summary>
public sealed class FlintStorageException : Exception
{
    public FlintStorageException(string sqlState, string message, string? constraintName)
        : base(Describe(sqlState, message, constraintName))
    {
        SqlState = sqlState;
        ConstraintName = constraintName;
    }

    public FlintStorageException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>The PostgreSQL error code when the database refused the write (e.g. 23505), otherwise null.</summary>
    public string? SqlState { get; }

    /// <summary>The constraint or index named by the database's error, if any.</summary>
    public string? ConstraintName { get; }

    private static string Describe(string sqlState, string message, string? constraintName) =>
        string.IsNullOrEmpty(constraintName)
            ? $"{sqlState}: {message}"
            : $"{sqlState}: {message}{Environment.NewLine}constraint: {constraintName}";
}
