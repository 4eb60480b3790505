namespace Flint.Payments;

/// <summary>
/// Why <see cref="IPaymentProcessor.AttachPaymentMethod"/> saved nothing. It returns a saved method or
/// throws this, because a card that cannot be saved has no <see cref="SavedPaymentMethod"/> to return.
/// </summary>
/// <param name="code">The processor's code (invalid_token, card_declined, …), for the API's error answer.</param>
/// <param name="transient">True when nothing is known to have gone wrong with the card (network, processor
/// outage): the caller may try again; false when the card or token was refused for good.</param>
public sealed class PaymentMethodNotSavedException(string code, string message, bool transient)
    : Exception(message)
{
    public string Code { get; } = code;
    public bool Transient { get; } = transient;
}
