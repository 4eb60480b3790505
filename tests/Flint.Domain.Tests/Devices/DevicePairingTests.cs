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
}
