using static Flint.Client.FlintTransport;

namespace Flint.Client;

/// <summary>
/// The five calls of a resource kept as objects at <c>/v1/{kind}</c> (the routes the server maps with
/// <c>MapCatalogRoutes</c>): create, get, list, update (PATCH) and delete. A resource's own actions are on its class.
/// </summary>
public abstract class ObjectsResource<TView, TCreate, TUpdate>(FlintTransport transport, string path)
    where TCreate : class
    where TUpdate : class
{
    protected FlintTransport Transport { get; } = transport;

    /// <summary>The path of one object.</summary>
    protected string Of(string id) => $"{path}/{Segment(id)}";

    public Task<TView> CreateAsync(TCreate request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<TView>(HttpMethod.Post, path, request, options?.IdempotencyKey, ct);
    public Task<TView> GetAsync(string id, CancellationToken ct = default) =>
        Transport.Send<TView>(HttpMethod.Get, Of(id), null, null, ct);
    /// <summary>Every object, page after page; <see cref="ListOptions"/> for the page size and filters.</summary>
    public IAsyncEnumerable<TView> ListAsync(ListOptions? options = null, CancellationToken ct = default) =>
        Transport.List<TView>(path, options, ct);
    public Task<TView> UpdateAsync(string id, TUpdate request, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<TView>(HttpMethod.Patch, Of(id), request, options?.IdempotencyKey, ct);
    public Task<TView> DeleteAsync(string id, RequestOptions? options = null, CancellationToken ct = default) =>
        Transport.Send<TView>(HttpMethod.Delete, Of(id), null, options?.IdempotencyKey, ct);
}
