using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Locations;

/// <summary>/v1/locations, and orders made at one: taxed where the location is unless they say otherwise.</summary>
[Collection(ApiCollection.Name)]
public sealed class LocationApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_location_is_created_read_listed_changed_and_deleted_with_its_address_timezone_and_tax_location()
    {
        var (api, live, _) = await f.NewMerchant(CatalogData.Unique("Locations"));
        var r = await api.Post("/v1/locations", """
            {"name":"Market Street","address":{"line1":"1 Market St","city":"San Francisco","region":"CA","postal_code":"94105","country":"US"},
             "timezone":"America/Los_Angeles","tax_location":{"country":"US","region":"CA","postal_code":"94105"},"metadata":{"till_count":"3"}}
            """);
        Assert.True(r.Status == 201, r.ToString());
        var id = r.Data.Str("location_id");
        Assert.StartsWith("loc_", id);
        Assert.Equal(("Market Street", "America/Los_Angeles", "active", "US", "CA"),
            (r.Data.Str("name"), r.Data.Str("timezone"), r.Data.Str("status"), r.Data["address"]!.Str("country"), r.Data["tax_location"]!.Str("region")));
        Assert.StartsWith("api_key:key_", r.Data.Str("created_by"));

        Assert.Equal("Market Street", (await api.Get($"/v1/locations/{id}")).Data.Str("name"));
        Assert.Equal([id], (await api.ListAll("/v1/locations?query=san%20francisco")).Select(l => l.Str("location_id")));
        Assert.Equal(404, (await live.Get($"/v1/locations/{id}")).Status);
        Assert.Equal(404, (await f.B.Get($"/v1/locations/{id}")).Status);

        var patched = await api.Patch($"/v1/locations/{id}", """{"name":"Market St.","timezone":"UTC","status":"inactive"}""");
        Assert.Equal(("Market St.", "UTC", "inactive"), (patched.Data.Str("name"), patched.Data.Str("timezone"), patched.Data.Str("status")));
        Assert.Equal("deleted", (await api.Delete($"/v1/locations/{id}")).Data.Str("status"));

        (await api.Post("/v1/locations", """{"name":"X","timezone":"Mars/Olympus"}""")).AssertError(400, "INVALID_TIMEZONE", "timezone");
        (await api.Post("/v1/locations", """{"name":"X","timezone":"EST"}""")).AssertError(400, "INVALID_TIMEZONE", "timezone");
        (await api.Post("/v1/locations", """{"timezone":"UTC"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "name");
        (await api.Post("/v1/locations", """{"name":"X","address":{"city":""}}""")).AssertError(400, "FIELD_TOO_SHORT", "address.city");
        (await api.Post("/v1/locations", """{"name":"X","address":{"country":"ZZZ"}}""")).AssertError(400, "INVALID_COUNTRY", "address.country");
        (await api.Post("/v1/locations", """{"name":"X","floor":2}""")).AssertError(400, "UNKNOWN_FIELD");
        Assert.Empty(await api.ListAll("/v1/locations"));   // the deleted one is left out; the refused ones were never made
    }

    [Fact]
    public async Task An_order_made_at_a_location_is_taxed_there_unless_it_names_its_own_tax_location_and_only_at_an_active_one()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Locations"));
        var ca = await api.Post("/v1/tax-rates", """{"name":"CA","percentage":"8","jurisdiction":{"country":"US","region":"CA"}}""");
        Assert.Equal(201, ca.Status);
        var store = (await api.Post("/v1/locations", """{"name":"SF","tax_location":{"country":"US","region":"CA"}}""")).Data.Str("location_id");
        var untaxed = (await api.Post("/v1/locations", """{"name":"Nowhere"}""")).Data.Str("location_id");

        var atStore = await api.Post("/v1/orders", $$"""{"location_id":"{{store}}","source":"pos","line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""");
        Assert.True(atStore.Status == 201, atStore.ToString());
        Assert.Equal((store, "CA", 80L, 1080L), (atStore.Data.Str("location_id"), atStore.Data["tax_location"]!.Str("region"), atStore.Data.Net("tax"), atStore.Data.Net("total")));

        var own = await api.Post("/v1/orders", $$"""{"location_id":"{{store}}","tax_location":{"country":"US","region":"NY"},"line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""");
        Assert.Equal((0L, "NY"), (own.Data.Net("tax"), own.Data["tax_location"]!.Str("region")));
        Assert.Equal(0L, (await api.Post("/v1/orders", $$"""{"location_id":"{{untaxed}}","line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""")).Data.Net("tax"));

        (await api.Post("/v1/orders", $$"""{"location_id":"store-12","line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""")).AssertError(400, "INVALID_LOCATION", "location_id");
        (await api.Post("/v1/orders", $$"""{"location_id":"loc_01JFAKEFAKEFAKEFAKEFAKEFAK","line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""")).AssertError(400, "INVALID_LOCATION", "location_id");
        Assert.Equal(200, (await api.Patch($"/v1/locations/{store}", """{"status":"inactive"}""")).Status);
        (await api.Post("/v1/orders", $$"""{"location_id":"{{store}}","line_items":[{{OrderData.AdHoc("Tea", 1000)}}]}""")).AssertError(400, "INVALID_LOCATION", "location_id");
    }
}
