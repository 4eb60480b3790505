using Flint.Grains.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Flint.Grains.Tests.Support;

/// <summary>
/// One in-process Orleans cluster for the whole suite: memory storage named "flint" (which also keeps the log rows
/// writes carry, see <see cref="LogCapturingStorage"/>, and answers the look-ups of them), in-memory reminders, the
/// domain-error filter, and a <see cref="FakeTimeProvider"/> as the silo's <see cref="TimeProvider"/>.
/// Silos started by <see cref="TestClusterBuilder"/> live in this process, so the static <see cref="Clock"/>
/// is the very instance the grains read.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Starts at the real time so ids (which carry the wall clock) and timestamps stay close.</summary>
    public static FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder();
        builder.Options.InitialSilosCount = 1;
        builder.AddSiloBuilderConfigurator<FlintSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
    }

    private sealed class FlintSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddMemoryGrainStorage("flint-memory");
            silo.AddMemoryGrainStorage(Flint.Abstractions.StorageNames.Plain);
            silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>("flint", (sp, _) =>
                new LogCapturingStorage(sp.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("flint-memory")));
            silo.Services.AddSingleton<CapturedLogLookups>();
            silo.Services.AddSingleton<Flint.Abstractions.Coupons.ICouponRedemptions>(sp => sp.GetRequiredService<CapturedLogLookups>());
            silo.Services.AddSingleton<Flint.Abstractions.Inventory.IFinishedReservations>(sp => sp.GetRequiredService<CapturedLogLookups>());
            // Coupon codes are looked up in PostgreSQL (the API tests cover subscriptions with a coupon); here none is found.
            silo.Services.AddSingleton<Flint.Abstractions.Coupons.ICouponCodeIndex, NoCouponCodes>();
            silo.UseInMemoryReminderService();
            silo.AddIncomingGrainCallFilter<DomainErrorCallFilter>();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddSingleton(new Flint.Abstractions.PublicUrls("http://flint.test"));
            // The simulated processor on grain state, as in the host; Stripe is never reached in grain tests
            // (no merchant here configures a key).
            silo.Services.AddSingleton<Flint.Payments.ISimulatedProcessorLedger, Flint.Grains.Payments.GrainSimulatedLedger>();
            silo.Services.AddSingleton<Flint.Payments.Simulated.SimulatedPaymentProcessor>();
            silo.Services.AddSingleton(sp => new Flint.Grains.Payments.PaymentProcessorRouter(
                PaymentFaults.Wrap(sp.GetRequiredService<Flint.Payments.Simulated.SimulatedPaymentProcessor>()),
                sp.GetRequiredService<Flint.Payments.Simulated.SimulatedPaymentProcessor>()));
        }
    }
}

/// <summary>No coupon has a code: grain tests have no coupon projections to look codes up in.</summary>
internal sealed class NoCouponCodes : Flint.Abstractions.Coupons.ICouponCodeIndex
{
    public Task<string?> CouponIdOf(Flint.Abstractions.Tenant tenant, string code, CancellationToken ct) => Task.FromResult<string?>(null);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
