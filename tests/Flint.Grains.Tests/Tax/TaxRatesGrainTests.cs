using Flint.Abstractions;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Orders;
using Flint.Grains.Tax;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Tax;

public sealed class TaxRatesGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private ITaxRatesGrain Rates => Grain<ITaxRatesGrain>(ITaxRatesGrain.Key);

    private static TaxRateRequest Rate(string name, string percentage, string country, string? region = null,
        List<string>? prefixes = null, string? inclusion = null, List<string>? categories = null, string? status = null) => new()
    {
        Name = name,
        Percentage = percentage,
        Inclusion = inclusion,
        TaxCategories = categories,
        Jurisdiction = new JurisdictionInput { Country = country, Region = region, PostalCodePrefixes = prefixes },
        Status = status,
    };

    private async Task<string> Create(TaxRateRequest request)
    {
        var id = FlintId.New(IdPrefix.Tax);
        await Rates.Create(id, request);
        return id;
    }

    private static TaxLocationInput At(string country, string? region = null, string? postal = null) =>
        new() { Country = country, Region = region, PostalCode = postal };

    private async Task<List<string>> NamesAt(TaxLocationInput? location) =>
        (await Rates.ApplicableTo(location)).Select(r => r.Name).ToList();

    [Fact]
    public async Task A_tax_rate_is_created_normalized_and_read_back()
    {
        var id = FlintId.New(IdPrefix.Tax);
        var created = await Rates.Create(id, Rate("SF city", "8.8750", "US", "ca", ["941 "], categories: ["general", "prepared_food", "general"]));

        Assert.Equal(id, created.TaxRateId);
        Assert.Equal(("SF city", "8.875", "additive", "active", 1L), (created.Name, created.Percentage, created.Inclusion, created.Status, created.Version));
        Assert.Equal(["general", "prepared_food"], created.TaxCategories);
        Assert.Equal(("US", "CA"), (created.Jurisdiction.Country, created.Jurisdiction.Region));
        Assert.Equal(["941"], created.Jurisdiction.PostalCodePrefixes);
        Assert.Equal(FlintJson.Serialize(created), FlintJson.Serialize(await Rates.Get(id)));
        Assert.Equal(created.TaxRateId, (await Rates.Create(id, Rate("Other", "1", "DE"))).TaxRateId);
        Assert.Equal("SF city", (await Rates.Get(id)).Name);
    }

    [Fact]
    public async Task A_sparse_update_changes_only_what_it_names_and_a_deleted_rate_stays_deleted()
    {
        var id = await Create(Rate("VAT", "19", "DE", inclusion: "inclusive"));

        var updated = await Rates.Update(id, new TaxRateRequest { Percentage = "7", Metadata = new() { ["kind"] = "reduced" } });
        Assert.Equal(("VAT", "7", "inclusive", "DE", 2L), (updated.Name, updated.Percentage, updated.Inclusion, updated.Jurisdiction.Country, updated.Version));
        Assert.Equal("reduced", updated.Metadata["kind"]);
        var moved = await Rates.Update(id, new TaxRateRequest { Jurisdiction = new JurisdictionInput { Country = "AT" }, TaxCategories = ["food"] });
        Assert.Equal(("AT", (string?)null, "food"), (moved.Jurisdiction.Country, moved.Jurisdiction.Region, moved.TaxCategories.Single()));
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Rates.Update(id, new TaxRateRequest()));

        var deleted = await Rates.Delete(id);
        Assert.Equal("deleted", deleted.Status);
        Assert.Equal("deleted", (await Rates.Get(id)).Status);
        Assert.Equal("deleted", (await Rates.Delete(id)).Status);
        await AssertFails("TAX_RATE_DELETED", () => Rates.Update(id, new TaxRateRequest { Name = "Back" }));
        var other = await Create(Rate("x", "1", "DE"));
        await AssertFails("INVALID_STATUS", () => Rates.Update(other, new TaxRateRequest { Status = "deleted" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Rates.Get(FlintId.New(IdPrefix.Tax)));
        await AssertFails("RESOURCE_NOT_FOUND", () => Rates.Update(FlintId.New(IdPrefix.Tax), new TaxRateRequest { Name = "x" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Rates.Delete(FlintId.New(IdPrefix.Tax)));
    }

    [Theory]
    [InlineData("8.87501", null, "percentage", "INVALID_PERCENTAGE")]
    [InlineData("0", null, "percentage", "INVALID_PERCENTAGE")]
    [InlineData("101", null, "percentage", "INVALID_PERCENTAGE")]
    [InlineData("-1", null, "percentage", "INVALID_PERCENTAGE")]
    [InlineData(null, null, "percentage", "MISSING_REQUIRED_FIELD")]
    [InlineData("5", "exclusive", "inclusion", "INVALID_ENUM_VALUE")]
    public async Task Invalid_rates_are_refused_and_nothing_is_created(string? percentage, string? inclusion, string param, string code)
    {
        var e = await AssertFails(code, () => Create(Rate("Bad", percentage!, "US", inclusion: inclusion)));
        Assert.Equal(param, e.Param);
        Assert.Empty((await Rates.List(null, 100, null)).Items);
    }

    [Fact]
    public async Task Categories_names_and_jurisdictions_are_checked_field_by_field()
    {
        Assert.Equal("tax_categories[1]", (await AssertFails("INVALID_ENUM_VALUE", () => Create(Rate("x", "5", "US", categories: ["food", "Food"])))).Param);
        Assert.Equal("jurisdiction", (await AssertFails("MISSING_REQUIRED_FIELD", () => Create(new TaxRateRequest { Name = "x", Percentage = "5" }))).Param);
        Assert.Equal("jurisdiction.country", (await AssertFails("INVALID_COUNTRY", () => Create(Rate("x", "5", "us")))).Param);
        Assert.Equal("jurisdiction.country", (await AssertFails("INVALID_COUNTRY", () => Create(Rate("x", "5", null!)))).Param);
        Assert.Equal("jurisdiction.region", (await AssertFails("INVALID_REGION", () => Create(Rate("x", "5", "US", "C A")))).Param);
        Assert.Equal("jurisdiction.postal_code_prefixes[0]", (await AssertFails("INVALID_POSTAL_CODE", () => Create(Rate("x", "5", "US", prefixes: ["94-1"])))).Param);
        Assert.Equal("name", (await AssertFails("MISSING_REQUIRED_FIELD", () => Create(Rate(null!, "5", "US")))).Param);
        Assert.Equal("name", (await AssertFails("FIELD_TOO_LONG", () => Create(Rate(new string('n', 256), "5", "US")))).Param);
        Assert.Equal("status", (await AssertFails("INVALID_ENUM_VALUE", () => Create(Rate("x", "5", "US", status: "paused")))).Param);
        Assert.Empty((await Rates.List(null, 100, null)).Items);
    }

    [Fact]
    public async Task ApplicableTo_matches_country_region_and_postal_prefixes_of_active_rates_only()
    {
        await Create(Rate("US federal", "1", "US"));
        await Create(Rate("California", "7.25", "US", "CA"));
        await Create(Rate("San Francisco", "1.375", "US", "CA", ["941", "940"]));
        await Create(Rate("Paused CA", "2", "US", "CA", status: "inactive"));
        var gone = await Create(Rate("Gone", "3", "US"));
        await Rates.Delete(gone);
        await Create(Rate("Germany", "19", "DE", inclusion: "inclusive"));

        Assert.Equal(["US federal", "California", "San Francisco"], await NamesAt(At("US", "CA", "94103")));
        Assert.Equal(["US federal", "California", "San Francisco"], await NamesAt(At("US", "ca", "940 12")));
        Assert.Equal(["US federal", "California"], await NamesAt(At("US", "CA", "90001")));
        Assert.Equal(["US federal", "California"], await NamesAt(At("US", "CA")));
        Assert.Equal(["US federal"], await NamesAt(At("US", "NY", "94103")));
        Assert.Equal(["US federal"], await NamesAt(At("US")));
        Assert.Equal(["Germany"], await NamesAt(At("DE", "BY", "80331")));
        Assert.Empty(await NamesAt(At("FR")));
        Assert.Empty(await NamesAt(null));
        Assert.Equal("tax_location.country", (await AssertFails("INVALID_COUNTRY", () => Rates.ApplicableTo(At("XX")))).Param);
    }

    [Fact]
    public async Task ApplicableTo_follows_every_change_of_status_and_jurisdiction()
    {
        var id = await Create(Rate("City", "2", "US", "NY", ["100"], status: "inactive"));
        Assert.Empty(await NamesAt(At("US", "NY", "10001")));

        await Rates.Update(id, new TaxRateRequest { Status = "active" });
        Assert.Equal(["City"], await NamesAt(At("US", "NY", "10001")));

        await Rates.Update(id, new TaxRateRequest { Jurisdiction = new JurisdictionInput { Country = "US", Region = "NJ" } });
        Assert.Empty(await NamesAt(At("US", "NY", "10001")));
        var view = Assert.Single(await Rates.ApplicableTo(At("US", "NJ")));
        Assert.Equal(("2", 3L), (view.Percentage, view.Version));

        await Rates.Delete(id);
        Assert.Empty(await NamesAt(At("US", "NJ")));
    }

    [Fact]
    public async Task A_rate_becomes_an_order_tax_rate_for_the_calculator()
    {
        var id = await Create(Rate("VAT", "20", "GB", inclusion: "inclusive", categories: ["general"]));
        var rate = (await Rates.Get(id)).ToOrderTaxRate();
        Assert.Equal((id, "VAT", 20m, TaxInclusion.Inclusive), (rate.TaxRateId, rate.Name, rate.Percentage, rate.Inclusion));
        Assert.Equal(["general"], rate.TaxCategories);
    }

    [Fact]
    public async Task Lists_page_newest_first_filter_by_status_and_leave_deleted_rates_out()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Create(Rate($"r{i}", "1", "US", status: i == 1 ? "inactive" : null)));
            Clock.Advance(TimeSpan.FromMilliseconds(5));
        }
        await Rates.Delete(ids[4]);

        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var page = await Rates.List(null, 2, token);
            pages.Add(page.Items.Select(r => r.TaxRateId).ToList());
            token = page.NextPageToken;
        } while (token is not null);
        Assert.Equal([[ids[3], ids[2]], [ids[1], ids[0]]], pages);

        Assert.Equal([ids[1]], (await Rates.List("inactive", 10, null)).Items.Select(r => r.TaxRateId));
        Assert.Equal([ids[4]], (await Rates.List("deleted", 10, null)).Items.Select(r => r.TaxRateId));
        var first = await Rates.List("active", 1, null);
        Assert.Equal([ids[3]], first.Items.Select(r => r.TaxRateId));
        Assert.Equal("page_token", (await AssertFails("INVALID_PAGE_TOKEN", () => Rates.List(null, 1, first.NextPageToken))).Param);
        await AssertFails("INVALID_PAGE_TOKEN", () => Rates.List(null, 1, "garbage"));
        Assert.Equal("status", (await AssertFails("INVALID_ENUM_VALUE", () => Rates.List("paused", 10, null))).Param);
    }

    [Fact]
    public async Task A_merchant_has_at_most_500_live_rates()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, TaxRatesGrain.MaxRates).Select(i => Create(Rate($"r{i}", "1", "US"))));

        await AssertFails("TAX_RATE_LIMIT_REACHED", () => Create(Rate("one too many", "1", "US")));
        await Rates.Delete(ids[0]);
        await Create(Rate("in its place", "1", "US"));
        Assert.Equal(TaxRatesGrain.MaxRates, (await Rates.ApplicableTo(At("US"))).Count);
    }

    [Fact]
    public async Task Rates_survive_deactivation()
    {
        var id = await Create(Rate("Texas", "6.25", "US", "TX"));
        await Rates.Update(id, new TaxRateRequest { Name = "Texas state" });
        await Deactivate(Rates);

        var rate = await Rates.Get(id);
        Assert.Equal(("Texas state", "6.25", 2L), (rate.Name, rate.Percentage, rate.Version));
        Assert.Equal(["Texas state"], await NamesAt(At("US", "TX")));
    }
}
