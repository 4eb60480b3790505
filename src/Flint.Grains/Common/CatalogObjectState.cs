using Flint.Abstractions;
using Flint.Domain.Catalog;

namespace Flint.Grains.Common;

/// <summary>
/// What every catalog-style object (product, bundle, modifier set, coupon, customer) keeps besides its own fields:
/// its lifecycle status, metadata and timestamps, which <see cref="CatalogGrain{TState,TView}"/> handles once for all.
/// </summary>
/// <remarks>
/// States are stored as JSON under their property names (<c>metadata</c>, <c>created_at</c>, <c>updated_at</c>); the
/// names did not change when these properties moved here from each state, so states stored before load as they are
/// (<c>CatalogStoredStateTests</c>). The Orleans ids below are an id space of their own, apart from each state's.
/// <see cref="Status"/> is declared by each state, in its place: the catalog objects store it as <c>status</c>, while a
/// customer derives it from the <c>deleted</c> flag it has always been stored with.
/// </remarks>
[GenerateSerializer, Alias("flint.catalog_object_state")]
public abstract class CatalogObjectState : ObjectState
{
    public abstract CatalogStatus Status { get; set; }
    [Id(0)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Who created it (<see cref="Actors"/>); null for objects made before this was kept.</summary>
    [Id(3), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }
}
