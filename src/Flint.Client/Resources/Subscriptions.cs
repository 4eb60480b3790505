using Flint.Abstractions;
using Flint.Abstractions.Subscriptions;
using static Flint.Client.FlintTransport;

namespace Flint.Client;

public sealed class PlansResource(FlintTransport t) : ObjectsResource<PlanView, CreatePlanRequest, UpdatePlanRequest>(t, "/v1/plans");

public sealed class SubscriptionsResource(FlintTransport t)
{
    private static string Of(string subscriptionId) => $"/v1/subscriptions/{Segment(subscriptionId)}";

    public Task<SubscriptionView> CreateAsync(CreateSubscriptionRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Post, "/v1/subscriptions", request, options?.IdempotencyKey, ct);
    public Task<SubscriptionView> GetAsync(string subscriptionId, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Get, Of(subscriptionId), null, null, ct);
    /// <summary>Filters: Status, CustomerId, PlanId.</summary>
    public IAsyncEnumerable<SubscriptionView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<SubscriptionView>("/v1/subscriptions", options, ct);
    public Task<SubscriptionView> UpdateAsync(string subscriptionId, UpdateSubscriptionRequest request, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Patch, Of(subscriptionId), request, options?.IdempotencyKey, ct);
    public Task<SubscriptionView> PauseAsync(string subscriptionId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Post, Of(subscriptionId) + "/pause", new EmptyRequest(), options?.IdempotencyKey, ct);
    public Task<SubscriptionView> ResumeAsync(string subscriptionId, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Post, Of(subscriptionId) + "/resume", new EmptyRequest(), options?.IdempotencyKey, ct);
    public Task<SubscriptionView> CancelAsync(string subscriptionId, CancelSubscriptionRequest? request = null, RequestOptions? options = null, CancellationToken ct = default) =>
        t.Send<SubscriptionView>(HttpMethod.Post, Of(subscriptionId) + "/cancel", request ?? new CancelSubscriptionRequest(), options?.IdempotencyKey, ct);
}

public sealed class InvoicesResource(FlintTransport t)
{
    public Task<InvoiceView> GetAsync(string invoiceId, CancellationToken ct = default) =>
        t.Send<InvoiceView>(HttpMethod.Get, $"/v1/invoices/{Segment(invoiceId)}", null, null, ct);
    /// <summary>Filters: Status, SubscriptionId, CustomerId.</summary>
    public IAsyncEnumerable<InvoiceView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        t.List<InvoiceView>("/v1/invoices", options, ct);
}
