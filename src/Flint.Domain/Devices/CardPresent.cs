namespace Flint.Domain.Devices;

/// <summary>
/// A card presented to a paired device's reader reaches Flint as a card-present test token (<c>tok_cp_visa</c> approves,
/// <c>tok_cp_declined</c> declines, on the simulated processor). Only a device may send one: a card-present payment is
/// the register's, with the device and its location on it. Live card-present processing (Stripe Terminal) is not
/// built; neither is offline capture.
/// </summary>
public static class CardPresent
{
    public const string TokenPrefix = "tok_cp_";

    public static bool IsToken(string token) => token.StartsWith(TokenPrefix, StringComparison.Ordinal);
}
