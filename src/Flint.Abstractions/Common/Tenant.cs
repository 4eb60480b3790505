namespace Flint.Abstractions;

/// <summary>The (merchant, environment) pair that owns every object. It is part of every grain key,
/// so no code path can address another tenant's object.</summary>
[GenerateSerializer, Alias("flint.tenant"), Immutable]
public sealed record Tenant([property: Id(0)] string MerchantId, [property: Id(1)] string Environment)
{
    public const string Test = "test";
    public const string Live = "live";

    public string GrainKey(string objectId) => $"{MerchantId}/{Environment}/{objectId}";

    public static (Tenant Tenant, string ObjectId) ParseGrainKey(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 3) throw new ArgumentException($"'{key}' is not a tenant grain key", nameof(key));
        return (new Tenant(parts[0], parts[1]), parts[2]);
    }
}

/// <summary>Where Flint's own pages are reached from a browser (FLINT_PUBLIC_URL, else the first of FLINT_URLS): the
/// base of a checkout session's url.</summary>
public sealed record PublicUrls(string BaseUrl);
