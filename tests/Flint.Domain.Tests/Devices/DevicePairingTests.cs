using Flint.Domain.Devices;

namespace Flint.Domain.Tests.Devices;

public sealed class DevicePairingTests
{
    [Fact]
    public void A_code_is_six_unambiguous_characters_and_is_read_back_whatever_its_case_spaces_or_dashes()
    {
        var code = DevicePairing.NewCode();
        Assert.Matches("^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$", code);
        Assert.Equal(code, DevicePairing.Normalize(code.ToLowerInvariant()));
        Assert.Equal("ABC234", DevicePairing.Normalize(" abc-234 "));
        Assert.Equal("ABC234", DevicePairing.Normalize("ABC 234"));
        Assert.Null(DevicePairing.Normalize("ABC23"));      // too short
        Assert.Null(DevicePairing.Normalize("ABC2340"));    // 0 is not in the alphabet (nor O, 1, I, L)
        Assert.Null(DevicePairing.Normalize("ABCI23"));
        Assert.Null(DevicePairing.Normalize(null));
        Assert.DoesNotContain("webhooks:write", DevicePairing.Scopes);
        Assert.DoesNotContain("subscriptions:write", DevicePairing.Scopes);
    }

    [Fact]
    public void A_device_is_pairing_until_its_code_is_redeemed_unpaired_or_expired()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var expires = now.AddMinutes(5);
        Assert.Equal(DeviceStatus.Pairing, DeviceStatuses.Of(paired: false, unpaired: false, expires, now));
        Assert.Equal(DeviceStatus.Unpaired, DeviceStatuses.Of(paired: false, unpaired: false, expires, expires));
        Assert.Equal(DeviceStatus.Paired, DeviceStatuses.Of(paired: true, unpaired: false, expires, expires.AddDays(1)));
        Assert.Equal(DeviceStatus.Unpaired, DeviceStatuses.Of(paired: false, unpaired: true, expires, now));
        Assert.Equal(["pairing", "paired", "unpaired"], SnakeCase.Names<DeviceStatus>());
    }

    [Fact]
    public void A_device_reaches_its_own_location_and_online_objects_only()
    {
        Assert.True(LocationReach.Reaches("loc_a", "loc_a"));
        Assert.True(LocationReach.Reaches("loc_a", null));
        Assert.False(LocationReach.Reaches("loc_a", "loc_b"));
    }
}
