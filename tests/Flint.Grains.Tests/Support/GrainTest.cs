using Flint.Abstractions;
using Flint.Domain;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Flint.Grains.Tests.Support;

/// <summary>Base of every grain test: a fresh tenant per test (xunit makes a new instance per test), so no
/// two tests ever share a grain, and the helpers every test uses.</summary>
[Collection(ClusterCollection.Name)]
public abstract class GrainTest(ClusterFixture fixture)
{
    protected ClusterFixture Fixture { get; } = fixture;
    protected IGrainFactory Grains => Fixture.Grains;
    protected static FakeTimeProvider Clock => ClusterFixture.Clock;
    protected Tenant Tenant { get; } = new(FlintId.New(IdPrefix.Merchant), Tenant.Test);

    protected T Grain<T>(string objectId) where T : IGrainWithStringKey => Grains.GetGrain<T>(Tenant.GrainKey(objectId));

    /// <summary>Awaits a call that must be refused with <paramref name="code"/>.</summary>
    protected static async Task<FlintException> AssertFails(string code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<FlintException>(call);
        Assert.Equal(code, e.Code);
        return e;
    }

    /// <summary>Deactivates the grain and waits until its activation is really gone, so the next call reads storage.</summary>
    protected async Task Deactivate(IAddressable grain)
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var reference = (GrainReference)(object)grain;
        Assert.Equal(1, await management.GetGrainActivationCount(reference));
        await management.DeactivateGrain(grain.GetGrainId());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await management.GetGrainActivationCount(reference) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The grain was not deactivated within 10 s.");
            await Task.Delay(10);
        }
    }
}
