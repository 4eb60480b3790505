using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Flint.Persistence.Schema;

/// <summary>
/// Brings the database to Flint's schema when the silo starts, before anything of Orleans touches it (membership,
/// reminders and grain storage all need their tables): creates the database if it is missing, then applies
/// <c>deploy/sql</c> (copied next to the binaries as <c>sql/</c>) with <see cref="SchemaMigrator"/>.
/// </summary>
internal sealed class SchemaMigration(string connectionString, string sqlDirectory, ILoggerFactory logs) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, async ct =>
        {
            await SchemaMigrator.EnsureDatabaseAsync(connectionString, ct);
            await SchemaMigrator.ApplyAsync(connectionString, sqlDirectory, logs.CreateLogger("Flint.Schema"), ct);
        });
}
