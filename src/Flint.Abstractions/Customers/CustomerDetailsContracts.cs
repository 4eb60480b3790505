using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Flint.Abstractions.Subscriptions;

namespace Flint.Abstractions.Customers;

/// <summary>GET /v1/customers/{id}: the customer as its grain has it, and its subscriptions.</summary>
public sealed record CustomerDetailsView : CustomerView
{
    // Not public: with no public constructor the OpenAPI schema keeps the customer's required fields (a public
    // [SetsRequiredMembers] constructor would make System.Text.Json drop them).
    [SetsRequiredMembers]
    private CustomerDetailsView(CustomerView customer, CustomerSubscriptions subscriptions) : base(customer) => Subscriptions = subscriptions;

    /// <summary>For a client reading the answer (the .NET client): every required field must be in the JSON.</summary>
    [JsonConstructor]
    private CustomerDetailsView()
    {
    }

    public static CustomerDetailsView Of(CustomerView customer, CustomerSubscriptions subscriptions) => new(customer, subscriptions);

    /// <summary>After the customer's own fields.</summary>
    [JsonPropertyOrder(1)]
    public required CustomerSubscriptions Subscriptions { get; init; }
}

/// <summary>A customer's newest subscriptions (any status), newest first; has_more: there are more than these, listed
/// by <c>GET /v1/subscriptions?customer_id=</c>.</summary>
public sealed record CustomerSubscriptions(IReadOnlyList<SubscriptionView> Data, bool HasMore)
{
    public const int Shown = 10;
}
