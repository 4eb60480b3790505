namespace Flint.Abstractions;

/// <summary>
/// What every object kept in a grain of its own answers alike: created once under a new id (a retried create answers
/// with what exists), read, changed by a sparse update. The API maps these calls to the same routes for every kind
/// (<c>MapObjectRoutes</c>); each kind's interface adds what is its own.
/// </summary>
public interface IObjectGrain<TCreate, TUpdate, TView> : IGrainWithStringKey
{
    Task<TView> Create(TCreate request);
    /// <summary>RESOURCE_NOT_FOUND when missing (for a customer, also when deleted).</summary>
    Task<TView> Get();
    Task<TView> Update(TUpdate request);
}

/// <summary>A catalog-style object (product, bundle, modifier set, coupon, customer), which is also deleted for good
/// (deleting it again answers with it, or, for a customer, 404).</summary>
public interface ICatalogObjectGrain<TCreate, TUpdate, TView> : IObjectGrain<TCreate, TUpdate, TView>
{
    Task<TView> Delete();
}
