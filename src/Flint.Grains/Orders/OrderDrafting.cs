using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Orders;
using Flint.Domain.Tax;
using Flint.Grains.Catalog;

namespace Flint.Grains.Orders;

/// <summary>Builds a new order's state from a request (validation and catalog look-ups included) without saving
/// it — the order grain saves it, the quote grain only prices it.</summary>
public static class OrderDrafting
{
    /// <param name="priceSetter">True when the caller sets its lines' prices (a subscription billing its plan's
    /// prices), whatever the merchant's allow_price_override says about clients.</param>
    public static async Task<OrderState> New(IGrainFactory grains, Tenant tenant, CreateOrderRequest request, bool priceSetter = false)
    {
        var currency = request.Currency is null ? null : Currency.Validate(request.Currency, "currency");
        // A paired device's orders are the register's (source pos), made at its location and no other.
        var source = request.Source is null ? Actors.Device is null ? "api" : "pos" : SnakeCase.ToSnake(Validation.ParseSnakeEnum<OrderSource>(request.Source, "source"));
        var locationId = request.LocationId ?? Actors.DeviceLocation;
        if (Actors.DeviceLocation is { } own && locationId != own)
            throw DomainException.Invalid("LOCATION_NOT_ALLOWED", $"This device works at {own}; it makes orders there only.", "location_id");
        var metadata = CatalogInput.NewMetadata(request.Metadata);
        var inputs = request.LineItems ?? [];
        if (inputs.Count > OrderGrain.MaxLines)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"An order has at most {OrderGrain.MaxLines} lines.", "line_items");
        var settings = await grains.GetGrain<IMerchantSettingsGrain>(tenant.GrainKey(IMerchantSettingsGrain.Key)).Get();
        var resolver = new OrderLineResolver(grains, tenant);
        var lines = new List<OrderLineState>();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null) throw DomainException.Invalid("INVALID_LINE_ITEM", "A line item cannot be null.", $"line_items[{i}]");
            var line = await resolver.Resolve(inputs[i], $"line_items[{i}]", currency, priceSetter || settings.AllowPriceOverride);
            currency ??= line.BasePriceMoney.Currency;
            lines.Add(line);
        }
        if (currency is null)
            throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "Send currency, or at least one line item to take it from.", "currency");
        var customerId = request.CustomerId is null ? null : await LinkableCustomer(grains, tenant, request.CustomerId);
        // Made at a location: taxed where it is, unless the order names a tax location of its own.
        var at = locationId is null ? null : await AtLocation(grains, tenant, locationId);
        var location = request.TaxLocation is null ? at?.TaxLocation : Location(request.TaxLocation);
        return new OrderState
        {
            Currency = currency,
            Source = source,
            LocationId = locationId,
            CustomerId = customerId,
            TaxLocation = location,
            Lines = lines,
            TaxRates = await RatesFor(grains, tenant, location),
            Metadata = metadata,
        };
    }

    public static void CopyInto(OrderState from, OrderState to)
    {
        to.Status = from.Status;
        to.Currency = from.Currency;
        to.Source = from.Source;
        to.LocationId = from.LocationId;
        to.CustomerId = from.CustomerId;
        to.TaxLocation = from.TaxLocation;
        to.Lines = from.Lines;
        to.Discounts = from.Discounts;
        to.TaxRates = from.TaxRates;
        to.Metadata = from.Metadata;
    }

    private static async Task<Flint.Abstractions.Locations.LocationView> AtLocation(IGrainFactory grains, Tenant tenant, string locationId)
    {
        if (!FlintId.IsValid(locationId, IdPrefix.Location))
            throw DomainException.Invalid("INVALID_LOCATION", $"'{locationId}' is not a location id.", "location_id");
        return await grains.GetGrain<Flint.Abstractions.Locations.ILocationGrain>(tenant.GrainKey(locationId)).ForNewOrder();
    }

    public static async Task<string> LinkableCustomer(IGrainFactory grains, Tenant tenant, string customerId)
    {
        if (!FlintId.IsValid(customerId, IdPrefix.Customer))
            throw DomainException.Invalid("INVALID_CUSTOMER", $"'{customerId}' is not a customer id.", "customer_id");
        await grains.GetGrain<ICustomerGrain>(tenant.GrainKey(customerId)).EnsureLinkable();
        return customerId;
    }

    public static TaxLocationView Location(TaxLocationInput input)
    {
        var l = TaxLocation.Validate(input.Country, input.Region, input.PostalCode, "tax_location");
        return new TaxLocationView(l.Country, l.Region, l.PostalCode);
    }

    /// <summary>The active rates matching the location now; an order without a location is not taxed.</summary>
    public static async Task<List<TaxRateSnapshot>> RatesFor(IGrainFactory grains, Tenant tenant, TaxLocationView? location)
    {
        if (location is null) return [];
        var rates = await grains.GetGrain<ITaxRatesGrain>(tenant.GrainKey(ITaxRatesGrain.Key)).ApplicableTo(
            new TaxLocationInput { Country = location.Country, Region = location.Region, PostalCode = location.PostalCode });
        return rates.Select(r => new TaxRateSnapshot
        {
            TaxRateId = r.TaxRateId,
            Name = r.Name,
            Percentage = r.Percentage,
            Inclusion = r.Inclusion,
            TaxCategories = r.TaxCategories.ToList(),
        }).ToList();
    }
}
