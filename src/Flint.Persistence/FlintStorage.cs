using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Inventory;
using Flint.Persistence.Catalog;
using Flint.Persistence.Coupons;
using Flint.Persistence.Events;
using Flint.Persistence.Idempotency;
using Flint.Persistence.Inventory;
using Flint.Persistence.Lists;
using Flint.Persistence.Merchants;
using Flint.Persistence.Payments;
using Flint.Persistence.Schema;
using Flint.Persistence.Storage;
using Flint.Persistence.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Configuration.Overrides;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Flint.Persistence;

/// <summary>
/// Everything Flint keeps in PostgreSQL, registered with one call on the silo (whose services the co-hosted HTTP
/// front end shares): the connection pool, the schema (applied when the silo starts), Orleans membership and
/// reminders on the ADO.NET providers, the two grain storages (<see cref="StorageNames"/>), and the typed queries
/// the host asks.
/// </summary>
public static class FlintStorage
{
    /// <summary>Orleans' stock ADO.NET grain storage itself, as registered; grains use it as
    /// <see cref="StorageNames.Plain"/>, which adds one check (see <see cref="PlainGrainStorage"/>).</summary>
    public const string StockAdoNetStorageName = StorageNames.Plain + "-adonet";

    /// <summary>The ADO.NET invariant Orleans' providers load PostgreSQL's driver by.</summary>
    private const string Invariant = "Npgsql";

    /// <param name="sqlDirectory">The schema scripts; by default <c>sql/</c> next to the binaries, where the build
    /// copies <c>deploy/sql/*.sql</c>.</param>
    public static ISiloBuilder AddFlintStorage(this ISiloBuilder silo, string connectionString, string? sqlDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = silo.Services;
        services.AddSingleton(_ => NpgsqlDataSource.Create(PooledSessions(connectionString)));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SchemaMigration(
            connectionString, sqlDirectory ?? Path.Combine(AppContext.BaseDirectory, "sql"), sp.GetRequiredService<ILoggerFactory>()));

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });

        // Grain state is FlintJson, like every other JSON Flint writes.
        silo.UseSystemTextJsonGrainStorageSerializer();
        services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => FlintJson.Configure(o.JsonSerializerOptions));
        // Flint's own grain storage (group commit, effects passed beside the state): see FlintGrainStorage.
        services.AddGrainStorage(StorageNames.Flint, (sp, name) => new FlintGrainStorage(
            name,
            sp.GetProviderClusterOptions(name).Value,
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IGrainStorageSerializer>(),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILogger<FlintGrainStorage>>()));
        // Orleans' own, one transaction per write, for grains whose writes carry no effects: on the same table and pool,
        // through the statements deploy/sql/003_orleans_persistence.sql registers in OrleansQuery.
        services.AddAdoNetGrainStorage(StockAdoNetStorageName, o => o.Configure<NpgsqlDataSource>((options, db) =>
        {
            options.Invariant = Invariant;
            options.DataSource = db;
        }));
        services.AddKeyedSingleton<IGrainStorage>(StorageNames.Plain, (sp, _) =>
            new PlainGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(StockAdoNetStorageName)));

        services.AddSingleton<IDatabaseHealth, DatabaseHealth>();
        services.AddSingleton<IObjectLists, ObjectLists>();
        services.AddSingleton<ICatalogStock, CatalogStock>();
        services.AddSingleton<ISkuIndex, SkuIndex>();
        services.AddSingleton<ICouponCodeIndex, CouponCodeIndex>();
        services.AddSingleton<ICouponRedemptions, CouponRedemptions>();
        services.AddSingleton<IInventoryHistory, InventoryHistory>();
        services.AddSingleton<Devices.IDeviceStreamLog, Devices.DeviceStreamLog>();
        services.AddSingleton<IFinishedReservations, FinishedReservations>();
        services.AddSingleton<IEventLog, EventLog>();
        services.AddSingleton<IPaymentIndex, PaymentIndex>();
        services.AddSingleton<IInvoiceIndex, InvoiceIndex>();
        services.AddSingleton<Flint.Persistence.Lists.IObjectTenants, Flint.Persistence.Lists.ObjectTenants>();
        services.AddSingleton<Flint.Persistence.Webhooks.IWebhookDeliveries, Flint.Persistence.Webhooks.WebhookDeliveries>();
        services.AddSingleton<IPendingPayments, PendingPayments>();
        services.AddSingleton<IMerchantDirectory, MerchantDirectory>();
        services.AddSingleton<Flint.Persistence.Users.IUserDirectory, Flint.Persistence.Users.UserDirectory>();
        // The host points Data Protection's KeyManagementOptions.XmlRepository at it.
        services.AddSingleton<Flint.Persistence.DataProtection.DataProtectionKeyTable>();
        services.AddSingleton<IIdempotencyRecords, IdempotencyRecords>();
        return silo;
    }

    /// <summary>The pool's sessions are Flint's alone and carry no session state (no SET, no temporary tables; the
    /// schema's advisory lock is taken on an unpooled session), so a returned connection is not reset: the reset
    /// (DISCARD ALL) was a round trip per use and threw away every cached plan, those of the storage's plpgsql
    /// functions included, which PostgreSQL then planned again on every batch.</summary>
    internal static string PooledSessions(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        NoResetOnClose = true,
    }.ConnectionString;
}
