using Flint.Abstractions;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Locations;
using Flint.Domain;
using Flint.Domain.Apps;
using Flint.Grains.Devices;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Devices;

/// <summary>Pairing a device on the suite's clock: a code is good once and for 5 minutes; the token is the device's
/// until it is unpaired.</summary>
public sealed class DeviceGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private async Task<(IDeviceGrain Device, string Code)> NewDevice()
    {
        var location = FlintId.New(IdPrefix.Location);
        await Grain<ILocationGrain>(location).Create(new CreateLocationRequest { Name = "Front" });
        var device = Grain<IDeviceGrain>(FlintId.New(IdPrefix.Device));
        var view = await device.Create(new CreateDeviceCodeRequest { Name = "Till 1", LocationId = location });
        Assert.Equal("pairing", view.Status);
        return (device, view.Code!);
    }

    [Fact]
    public async Task A_code_pairs_its_device_once_and_the_token_works_until_the_device_is_unpaired()
    {
        var (device, code) = await NewDevice();
        var holder = await Grains.GetGrain<IPairingCodeGrain>(code).Redeem();
        Assert.NotNull(holder);
        Assert.Null(await Grains.GetGrain<IPairingCodeGrain>(code).Redeem());   // single use

        var paired = await device.Pair("pos 1.2");
        Assert.StartsWith("fdt_test_", paired.DeviceToken);
        Assert.Equal(("paired", "pos 1.2"), (paired.Device.Status, paired.Device.AppVersion));
        var hash = AppCredential.HashOf(paired.DeviceToken);
        Assert.NotNull(await device.Authenticate(hash));
        await AssertFails("INVALID_CODE", () => device.Pair(null));   // paired already

        Assert.Equal("unpaired", (await device.Unpair()).Status);
        Assert.Null(await device.Authenticate(hash));
    }

    [Fact]
    public async Task A_code_is_no_good_after_five_minutes()
    {
        var (device, code) = await NewDevice();
        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Null(await Grains.GetGrain<IPairingCodeGrain>(code).Redeem());
        await AssertFails("INVALID_CODE", () => device.Pair(null));
        Assert.Equal("unpaired", (await device.Get()).Status);
    }

    [Fact]
    public async Task A_code_that_lapses_unused_brings_the_list_row_to_unpaired_once_with_its_event()
    {
        var (device, _) = await NewDevice();
        var key = Tenant.GrainKey((await device.Get()).DeviceId);
        Assert.Equal("pairing", LogCapturingStorage.Stored<DeviceState>(key).Projection!.Status);
        var reminder = device.AsReference<IRemindable>();

        await reminder.ReceiveReminder("code_expiry", default);   // early (a clock behind): nothing has lapsed yet
        Assert.Equal(1, LogCapturingStorage.Stored<DeviceState>(key).Version);

        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await reminder.ReceiveReminder("code_expiry", default);
        var stored = LogCapturingStorage.Stored<DeviceState>(key);
        Assert.Equal((2L, "unpaired"), (stored.Version, stored.Projection!.Status));
        Assert.Equal(["device.unpaired"], stored.Outbox.Select(e => e.Type));
        Assert.Equal(stored.CodeExpiresAt, stored.UpdatedAt);
        Assert.Equal(("unpaired", 2L), ((await device.Get()).Status, (await device.Get()).Version));

        await reminder.ReceiveReminder("code_expiry", default);   // delivered again: written once
        Assert.Equal(2, LogCapturingStorage.Stored<DeviceState>(key).Version);
    }

    [Fact]
    public async Task A_paired_device_is_left_as_it_is_when_its_code_would_have_lapsed()
    {
        var (device, code) = await NewDevice();
        Assert.NotNull(await Grains.GetGrain<IPairingCodeGrain>(code).Redeem());
        await device.Pair(null);
        var key = Tenant.GrainKey((await device.Get()).DeviceId);
        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await device.AsReference<IRemindable>().ReceiveReminder("code_expiry", default);
        Assert.Equal((2L, "paired"), (LogCapturingStorage.Stored<DeviceState>(key).Version, (await device.Get()).Status));
    }
}

