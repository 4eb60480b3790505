using Flint.Domain.Tax;

namespace Flint.Domain.Tests.Tax;

public sealed class TaxJurisdictionTests
{
    private static readonly TaxLocation SanFrancisco = TaxLocation.Validate("US", "CA", "94103", "tax_location");

    [Fact]
    public void A_country_wide_rate_matches_any_location_in_that_country()
    {
        var rate = TaxJurisdiction.Validate("US", null, null, "jurisdiction");

        Assert.True(rate.Matches(SanFrancisco));
        Assert.True(rate.Matches(TaxLocation.Validate("US", null, null, "tax_location")));
        Assert.False(rate.Matches(TaxLocation.Validate("CA", null, null, "tax_location")));
    }

    [Fact]
    public void A_state_rate_matches_only_that_state_case_insensitively()
    {
        var rate = TaxJurisdiction.Validate("US", "ca", null, "jurisdiction");

        Assert.Equal("CA", rate.Region);
        Assert.True(rate.Matches(SanFrancisco));
        Assert.True(rate.Matches(new TaxLocation("US", "ca", null)));
        Assert.False(rate.Matches(TaxLocation.Validate("US", "NY", "10001", "tax_location")));
    }

    [Fact]
    public void A_location_without_a_region_matches_no_regional_rate() =>
        Assert.False(TaxJurisdiction.Validate("US", "CA", null, "jurisdiction").Matches(TaxLocation.Validate("US", null, "94103", "tax_location")));

    [Fact]
    public void A_city_rate_matches_postal_codes_starting_with_one_of_its_prefixes()
    {
        var rate = TaxJurisdiction.Validate("US", "CA", ["941", "940"], "jurisdiction");

        Assert.True(rate.Matches(SanFrancisco));
        Assert.True(rate.Matches(TaxLocation.Validate("US", "CA", "94025-1234", "tax_location")));
        Assert.False(rate.Matches(TaxLocation.Validate("US", "CA", "90210", "tax_location")));
        Assert.False(rate.Matches(TaxLocation.Validate("US", "CA", null, "tax_location")));
    }

    [Fact]
    public void Postal_codes_compare_upper_case_without_spaces()
    {
        var rate = TaxJurisdiction.Validate("GB", null, ["sw1a"], "jurisdiction");
        var location = TaxLocation.Validate("GB", null, "sw1a 1aa", "tax_location");

        Assert.Equal(["SW1A"], rate.PostalCodePrefixes);
        Assert.Equal("SW1A1AA", location.PostalCode);
        Assert.True(rate.Matches(location));
    }

    [Fact]
    public void Empty_region_and_postal_code_mean_none()
    {
        var location = TaxLocation.Validate("DE", "", "", "tax_location");

        Assert.Null(location.Region);
        Assert.Null(location.PostalCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("us")]
    [InlineData("USA")]
    [InlineData("XK")]
    [InlineData("ZZ")]
    public void A_country_that_is_not_an_upper_case_iso_3166_code_is_invalid(string? country)
    {
        var error = Expect.Error("INVALID_COUNTRY", () => TaxJurisdiction.Validate(country, null, null, "jurisdiction"));

        Assert.Equal("jurisdiction.country", error.Param);
    }

    [Fact]
    public void The_country_list_holds_the_249_assigned_iso_3166_codes()
    {
        Assert.Equal(249, CountryCodes.All.Count);
        Assert.All(CountryCodes.All, c => Assert.Matches("^[A-Z]{2}$", c));
        Assert.True(CountryCodes.IsKnown("SS"));
        Assert.True(CountryCodes.IsKnown("JP"));
        Assert.False(CountryCodes.IsKnown("UK"));
    }

    [Theory]
    [InlineData("C A")]
    [InlineData("CALIFORNIA1")]
    [InlineData("CA_1")]
    [InlineData("ÄB")]
    public void A_region_that_is_not_1_to_10_letters_digits_or_hyphens_is_invalid(string region)
    {
        var error = Expect.Error("INVALID_REGION", () => TaxLocation.Validate("US", region, null, "tax_location"));

        Assert.Equal("tax_location.region", error.Param);
    }

    [Fact]
    public void A_region_with_a_hyphen_is_accepted_and_upper_cased() =>
        Assert.Equal("GB-ENG", TaxJurisdiction.Validate("GB", "gb-eng", null, "jurisdiction").Region);

    [Theory]
    [InlineData("")]
    [InlineData("94-1")]
    [InlineData("12345678901")]
    [InlineData("94*")]
    public void A_postal_prefix_that_is_not_1_to_10_letters_or_digits_is_invalid(string prefix)
    {
        var error = Expect.Error("INVALID_POSTAL_CODE", () => TaxJurisdiction.Validate("US", null, ["941", prefix], "jurisdiction"));

        Assert.Equal("jurisdiction.postal_code_prefixes[1]", error.Param);
    }

    [Fact]
    public void At_most_100_postal_prefixes_are_allowed()
    {
        var prefixes = Enumerable.Range(0, 101).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        Expect.Error("INVALID_POSTAL_CODE", () => TaxJurisdiction.Validate("US", null, prefixes, "jurisdiction"));
        Assert.Equal(100, TaxJurisdiction.Validate("US", null, prefixes[..100], "jurisdiction").PostalCodePrefixes.Count);
    }

    [Fact]
    public void Repeated_prefixes_are_kept_once() =>
        Assert.Equal(["941"], TaxJurisdiction.Validate("US", null, ["941", "941"], "jurisdiction").PostalCodePrefixes);

    [Theory]
    [InlineData("94103!")]
    [InlineData("12345678901234567")]
    public void A_malformed_postal_code_is_invalid(string postalCode)
    {
        var error = Expect.Error("INVALID_POSTAL_CODE", () => TaxLocation.Validate("US", "CA", postalCode, "tax_location"));

        Assert.Equal("tax_location.postal_code", error.Param);
    }
}
