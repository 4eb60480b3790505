using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Payments;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>
/// Turns the sources a pay request names (one token, or several cards, saved cards and cash with their amounts) into
/// the payments of one attempt, checked against what is due: the first step of the pay saga, before anything is held
/// or written. Sources with an amount pay first; the one without pays the rest; the tip rides on the first.
/// </summary>
public sealed class PaymentPlanner(IGrainFactory grains, Tenant tenant)
{
    private const int MaxSources = 10;

    public async Task<List<PaymentState>> Plan(PayOrderRequest request, OrderState order, long due, long tip, DateTimeOffset now)
    {
        var inputs = new List<(PaymentSourceInput Source, string Param)>();
        if (request.PaymentSourceTokens is not null && request.PaymentSources is not null)
            throw DomainException.Invalid("INVALID_FIELD", "Send payment_source_tokens or payment_sources, not both.", "payment_sources");
        if (request.PaymentSourceTokens is not null)
        {
            if (request.PaymentSourceTokens.Count != 1)
                throw DomainException.Invalid("INVALID_FIELD", "payment_source_tokens takes one token (use payment_sources to split).", "payment_source_tokens");
            inputs.Add((new PaymentSourceInput { Token = request.PaymentSourceTokens[0] }, "payment_source_tokens[0]"));
        }
        else if (request.PaymentSources is { Count: > 0 })
        {
            if (request.PaymentSources.Count > MaxSources)
                throw DomainException.Invalid("TOO_MANY_ITEMS", $"At most {MaxSources} payment sources.", "payment_sources");
            inputs.AddRange(request.PaymentSources.Select((s, i) => (s ?? throw DomainException.Invalid("INVALID_FIELD", "A payment source cannot be null.", $"payment_sources[{i}]"), $"payment_sources[{i}]")));
        }
        else
        {
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Send payment_source_tokens or payment_sources.", "payment_sources");
        }
        if (inputs.Count(i => i.Source.AmountMoney is null) > 1)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "With several sources, at most one may leave amount_money out (it pays the rest).", "payment_sources");

        var remaining = due;
        var planned = new List<PaymentState>();
        // Sources with an amount first; the one without pays what is left.
        foreach (var (source, param) in inputs.OrderBy(i => i.Source.AmountMoney is null ? 1 : 0))
        {
            var type = source.Type is null ? "card" : source.Type switch
            {
                "card" or "cash" => source.Type,
                _ => throw DomainException.Invalid("INVALID_ENUM_VALUE", "type must be card or cash.", $"{param}.type"),
            };
            var p = new PaymentState { PaymentId = FlintId.New(IdPrefix.Payment), SourceType = type, BuyerEmail = request.BuyerEmail, CreatedAt = now, UpdatedAt = now, CreatedBy = Actors.Current,
                DeviceId = Actors.Device, LocationId = Actors.DeviceLocation };
            long? amount = null;
            if (source.AmountMoney is not null)
            {
                var m = source.AmountMoney.InOrderCurrency($"{param}.amount_money", order.Currency);
                if (m.Amount <= 0) throw DomainException.Invalid("INVALID_AMOUNT", "A payment is at least 1 minor unit.", $"{param}.amount_money.amount");
                amount = m.Amount;
            }
            if (type == "cash")
            {
                if (source.Token is not null || source.CustomerPaymentMethodId is not null)
                    throw DomainException.Invalid("INVALID_FIELD", "A cash source takes amount_money and tendered_money only.", param);
                if (remaining <= 0) throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", "The other sources already pay the balance.", $"{param}.amount_money");
                if (source.TenderedMoney is null)
                {
                    // amount_money alone is what the buyer handed over: it pays up to what is due, the rest is change.
                    var tendered = amount ?? remaining;
                    p.TenderedMinor = tendered;
                    p.AmountMinor = Math.Min(tendered, remaining);
                }
                else
                {
                    // amount_money (or the rest) is what this cash pays; tendered_money what the buyer handed over.
                    var t = source.TenderedMoney.InOrderCurrency($"{param}.tendered_money", order.Currency);
                    var value = amount ?? remaining;
                    if (value > remaining)
                        throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", $"Only {remaining} minor units are left to pay.", $"{param}.amount_money");
                    p.TenderedMinor = t.Amount;
                    p.AmountMinor = value;
                }
                p.ChangeBackMinor = Flint.Domain.Orders.Cash.Change(p.TenderedMinor.Value, p.AmountMinor, $"{param}.tendered_money.amount");
            }
            else
            {
                if ((source.Token is null) == (source.CustomerPaymentMethodId is null))
                    throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", "A card source has exactly one of token or customer_payment_method_id.", param);
                if (source.Token is not null)
                {
                    Validation.RequireLength(source.Token, $"{param}.token", 1, 255);
                    if (Flint.Domain.Devices.CardPresent.IsToken(source.Token) && Actors.Device is null)
                        throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", "A card-present token comes from a paired device's card reader; send it from the device (its terminal checkout).", $"{param}.token");
                    p.Token = source.Token;
                }
                else
                {
                    if (order.CustomerId is null)
                        throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", "A saved payment method needs the order to have a customer.", $"{param}.customer_payment_method_id");
                    CustomerPaymentMethodView method;
                    try
                    {
                        method = await grains.GetGrain<ICustomerGrain>(tenant.GrainKey(order.CustomerId)).GetPaymentMethod(source.CustomerPaymentMethodId!);
                    }
                    catch (FlintException e) when (e.Code == "RESOURCE_NOT_FOUND")
                    {
                        // A body field naming something that is not there is a 400 on that field, not a 404 on the order.
                        throw DomainException.Invalid("INVALID_PAYMENT_SOURCE", $"'{source.CustomerPaymentMethodId}' is not a saved card of this order's customer.", $"{param}.customer_payment_method_id");
                    }
                    p.CustomerPaymentMethodId = method.CustomerPaymentMethodId;
                    p.ProcessorPaymentMethodId = method.ProcessorPaymentMethodId;
                    p.ProcessorCustomerId = method.ProcessorCustomerId;
                    p.Brand = method.Brand;
                    p.Last4 = method.Last4;
                }
                var value = amount ?? remaining;
                if (value > remaining)
                    throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", $"Only {remaining} minor units are left to pay.", $"{param}.amount_money");
                if (value <= 0) throw DomainException.Invalid("AMOUNT_EXCEEDS_BALANCE", "The other sources already pay the balance.", param);
                p.AmountMinor = value;
            }
            remaining -= p.AmountMinor;
            planned.Add(p);
        }
        // The tip rides on the first source (it is part of what that source pays).
        planned[0].TipMinor = Math.Min(tip, planned[0].AmountMinor);
        return planned;
    }
}
