using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class CustomersResource(FlintTransport t)
{
    private static string Of(string customerId) => $"/v1/customers/{Segment(customerId)}";

    public Task<CustomerView> CreateAsync(CustomerRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerView>(HttpMethod.Post, "/v1/customers", request, options?.IdempotencyKey, ct);
    /// <summary>The customer and its newest subscriptions.</summary>
    public Task<CustomerDetailsView> GetAsync(string customerId, CancellationToken ct = default) =>
        t.Send<CustomerDetailsView>(HttpMethod.Get, Of(customerId), null, null, ct);
    /// <summary>Filter: Query (name, email, phone, id).</summary>
    public IAsyncEnumerable<CustomerView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<CustomerView>("/v1/customers", options, ct);
    public Task<CustomerView> UpdateAsync(string customerId, CustomerRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerView>(HttpMethod.Patch, Of(customerId), request, options?.IdempotencyKey, ct);
    public Task<CustomerView> DeleteAsync(string customerId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerView>(HttpMethod.Delete, Of(customerId), null, options?.IdempotencyKey, ct);
    public IAsyncEnumerable<OrderView> ListOrdersAsync(string customerId, ListOptions? options = null, CancellationToken ct = default) =>
        t.List<OrderView>(Of(customerId) + "/orders", options, ct);
    /// <summary>Saves a card for later charges (subscriptions, payment_method_id on pay).</summary>
    public Task<CustomerPaymentMethodView> AddPaymentMethodAsync(string customerId, AddPaymentMethodRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerPaymentMethodView>(HttpMethod.Post, Of(customerId) + "/payment-methods", request, options?.IdempotencyKey, ct);
    public IAsyncEnumerable<CustomerPaymentMethodView> ListPaymentMethodsAsync(string customerId, CancellationToken ct = default) =>
        t.List<CustomerPaymentMethodView>(Of(customerId) + "/payment-methods", null, ct);
    public Task<CustomerPaymentMethodView> RemovePaymentMethodAsync(string customerId, string paymentMethodId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<CustomerPaymentMethodView>(HttpMethod.Delete, Of(customerId) + $"/payment-methods/{Segment(paymentMethodId)}", null, options?.IdempotencyKey, ct);
}
