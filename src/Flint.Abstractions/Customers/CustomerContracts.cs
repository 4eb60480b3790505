namespace Flint.Abstractions.Customers;

[GenerateSerializer, Alias("flint.customers.address")]
public sealed class AddressInput
{
    [Id(0)] public string? Line1 { get; set; }
    [Id(1)] public string? Line2 { get; set; }
    [Id(2)] public string? City { get; set; }
    [Id(3)] public string? Region { get; set; }
    [Id(4)] public string? PostalCode { get; set; }
    [Id(5)] public string? Country { get; set; }
}

[GenerateSerializer, Alias("flint.customers.customer_request")]
public sealed class CustomerRequest
{
    [Id(0)] public string? Email { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public string? Phone { get; set; }
    /// <summary>Replaces the whole list when sent.</summary>
    [Id(3)] public List<AddressInput>? Addresses { get; set; }
    [Id(4)] public Dictionary<string, string>? Metadata { get; set; }
}

[GenerateSerializer, Alias("flint.customers.address_view"), Immutable]
public sealed record AddressView(
    [property: Id(0)] string? Line1,
    [property: Id(1)] string? Line2,
    [property: Id(2)] string? City,
    [property: Id(3)] string? Region,
    [property: Id(4)] string? PostalCode,
    [property: Id(5)] string Country);

/// <summary>Not sealed: GET /v1/customers/{id} answers it extended with the customer's subscriptions (the grain's view
/// stays the customer alone).</summary>
[GenerateSerializer, Alias("flint.customers.customer_view")]
public record CustomerView
{
    [Id(0)] public required string CustomerId { get; init; }
    [Id(1)] public string? Email { get; init; }
    [Id(2)] public string? Name { get; init; }
    [Id(3)] public string? Phone { get; init; }
    [Id(4)] public required IReadOnlyList<AddressView> Addresses { get; init; }
    [Id(5)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(6)] public bool Deleted { get; init; }
    [Id(7)] public DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(9)] public long Version { get; init; }
}

[GenerateSerializer, Alias("flint.customers.payment_method_request")]
public sealed class AddPaymentMethodRequest
{
    /// <summary>A card token (tok_visa, …) to save for later payments.</summary>
    [Id(0)] public string? Token { get; set; }
}

[GenerateSerializer, Alias("flint.customers.payment_method_view")]
public sealed record CustomerPaymentMethodView
{
    [Id(0)] public required string CustomerPaymentMethodId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required string Brand { get; init; }
    [Id(3)] public required string Last4 { get; init; }
    [Id(4)] public int ExpMonth { get; init; }
    [Id(5)] public int ExpYear { get; init; }
    [Id(6)] public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Processor-side ids; kept inside the cluster (not in API responses).</summary>
    [Id(7), System.Text.Json.Serialization.JsonIgnore] public string ProcessorPaymentMethodId { get; init; } = "";
    [Id(8), System.Text.Json.Serialization.JsonIgnore] public string ProcessorCustomerId { get; init; } = "";
}

public interface ICustomerGrain : ICatalogObjectGrain<CustomerRequest, CustomerRequest, CustomerView>
{
    Task<CustomerPaymentMethodView> AddPaymentMethod(AddPaymentMethodRequest request);
    Task<IReadOnlyList<CustomerPaymentMethodView>> ListPaymentMethods();
    /// <summary>RESOURCE_NOT_FOUND unless the method belongs to this (live) customer.</summary>
    Task<CustomerPaymentMethodView> GetPaymentMethod(string customerPaymentMethodId);
    Task<CustomerPaymentMethodView> RemovePaymentMethod(string customerPaymentMethodId);
    /// <summary>For linking an order: throws INVALID_CUSTOMER (400, param customer_id) unless the customer exists.</summary>
    Task EnsureLinkable();
}
