using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Catalog;

/// <summary>GET /v1/catalog/by-sku/{sku}: exact lookup across variants and bundles.</summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogLookupApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_SKU_finds_its_variant()
    {
        var sku = CatalogData.Unique("LOOK");
        var tee = await f.A.CreateSized(sku, true, 6, 2);
        var r = await f.A.Get($"/v1/catalog/by-sku/{sku}-M");
        Assert.Equal(200, r.Status);
        Assert.Equal($"{sku}-M", r.Data.Str("sku"));
        Assert.Equal("variant", r.Data.Str("object_type"));
        Assert.Equal(tee.Id, r.Data.Str("product_id"));
        Assert.Equal(tee.VariantIds[1], r.Data.Str("variant_id"));
        Assert.Null(r.Data["bundle_id"]);
        Assert.Equal(tee.VariantIds[1], r.Data["object"]!.Str("variant_id"));
        Assert.Equal(2, r.Data["object"]!.Long("quantity_available"));
    }

    [Fact]
    public async Task A_SKU_finds_its_bundle_with_live_availability()
    {
        var sku = CatalogData.Unique("LOOKB");
        var tee = await f.A.CreateSized(sku, true, 6, 2);
        var bundle = await f.A.CreateBundle($"{sku}-BUNDLE", (tee.VariantIds[0], 2), (tee.VariantIds[1], 1));
        var r = await f.A.Get($"/v1/catalog/by-sku/{sku}-BUNDLE");
        Assert.Equal(200, r.Status);
        Assert.Equal("bundle", r.Data.Str("object_type"));
        Assert.Equal(bundle.Str("bundle_id"), r.Data.Str("bundle_id"));
        Assert.Null(r.Data["variant_id"]);
        Assert.Equal(2, r.Data["object"]!.Long("quantity_available"));
        Assert.Equal(201, (await f.A.Adjust(tee, -1, variant: 1)).Status);
        Assert.Equal(1, (await f.A.Get($"/v1/catalog/by-sku/{sku}-BUNDLE")).Data["object"]!.Long("quantity_available"));
    }

    [Fact]
    public async Task An_unknown_SKU_or_one_that_differs_in_case_is_404()
    {
        var sku = CatalogData.Unique("Exact");
        await f.A.CreateSimple(sku: sku);
        (await f.A.Get($"/v1/catalog/by-sku/{CatalogData.Unique("nothing")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"/v1/catalog/by-sku/{sku.ToUpperInvariant()}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"/v1/catalog/by-sku/{sku[..^1]}")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task A_SKU_with_spaces_and_symbols_is_found_when_URL_encoded()
    {
        var sku = $"Tee S+M #{Guid.NewGuid().ToString("N")[..6]}";
        var p = await f.A.CreateSimple(sku: sku);
        var r = await f.A.Get($"/v1/catalog/by-sku/{Uri.EscapeDataString(sku)}");
        Assert.Equal(200, r.Status);
        Assert.Equal(p.VariantId, r.Data.Str("variant_id"));
    }

    [Fact]
    public async Task A_SKU_containing_a_slash_is_found_when_URL_encoded()
    {
        var sku = $"TEE/RED/{Guid.NewGuid().ToString("N")[..6]}";
        var p = await f.A.CreateSimple(sku: sku);
        var r = await f.A.Get($"/v1/catalog/by-sku/{Uri.EscapeDataString(sku)}");
        Assert.True(r.Status == 200, r.ToString());
        Assert.Equal(p.VariantId, r.Data.Str("variant_id"));
    }
}
