namespace Flint.Abstractions;

/// <summary>The named grain storages a grain's state can live in (<c>[PersistentState(name, storage)]</c>); both keep
/// their rows in the same <c>orleans_storage</c> table, so a grain can move from one to the other and keep its state.</summary>
public static class StorageNames
{
    /// <summary>Flint's own storage: concurrent writes grouped into one transaction, and a write's projection, events
    /// and log rows (<see cref="ObjectState"/>'s effects) stored in the same transaction as its state. Every grain
    /// whose writes carry any of those.</summary>
    public const string Flint = "flint";

    /// <summary>Orleans' stock ADO.NET grain storage, one transaction per write, for grains whose writes carry no
    /// projection, event or log row (it refuses a write that does: those would be lost).</summary>
    public const string Plain = "plain";
}
