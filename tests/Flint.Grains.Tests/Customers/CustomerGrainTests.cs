using Flint.Abstractions.Customers;
using Flint.Domain;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests.Customers;

public sealed class CustomerGrainTests(ClusterFixture fixture) : GrainTest(fixture)
{
    private readonly string _customerId = FlintId.New(IdPrefix.Customer);

    private ICustomerGrain Customer => Grain<ICustomerGrain>(_customerId);

    private static AddressInput Home(string country = "US") => new()
    {
        Line1 = "1 Market St", City = "San Francisco", Region = "CA", PostalCode = "94105", Country = country,
    };

    private static CustomerRequest Ada() => new()
    {
        Email = "Ada.Lovelace@Example.COM",
        Name = "Ada Lovelace",
        Phone = "+44 (20) 7946-0958",
        Addresses = [Home()],
        Metadata = new() { ["tier"] = "gold" },
    };

    [Fact]
    public async Task A_customer_keeps_its_contact_details_with_the_email_lower_cased()
    {
        var created = await Customer.Create(Ada());

        Assert.Equal(_customerId, created.CustomerId);
        Assert.Equal(("ada.lovelace@example.com", "Ada Lovelace", "+44 (20) 7946-0958", false, 1L),
            (created.Email, created.Name, created.Phone, created.Deleted, created.Version));
        Assert.Equal(new AddressView("1 Market St", null, "San Francisco", "CA", "94105", "US"), Assert.Single(created.Addresses));
        Assert.Equal("gold", created.Metadata["tier"]);
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.Equivalent(created, await Customer.Get());
    }

    [Fact]
    public async Task A_customer_may_be_created_with_no_details_at_all()
    {
        var created = await Customer.Create(new CustomerRequest { Email = "", Name = "", Phone = "" });

        Assert.Equal((null, null, null), (created.Email, created.Name, created.Phone));
        Assert.Empty(created.Addresses);
        Assert.Empty(created.Metadata);
        await Customer.EnsureLinkable();
    }

    [Fact]
    public async Task An_update_changes_only_the_fields_sent_replaces_addresses_and_merges_metadata()
    {
        var created = await Customer.Create(Ada());
        Clock.Advance(TimeSpan.FromSeconds(5));

        var updated = await Customer.Update(new CustomerRequest
        {
            Name = "Augusta Ada King",
            Addresses = [Home("GB"), Home("FR")],
            Metadata = new() { ["tier"] = "", ["source"] = "pos" },
        });

        Assert.Equal(("ada.lovelace@example.com", "Augusta Ada King", "+44 (20) 7946-0958", 2L),
            (updated.Email, updated.Name, updated.Phone, updated.Version));
        Assert.Equal(["GB", "FR"], updated.Addresses.Select(a => a.Country));
        Assert.Equal(new Dictionary<string, string> { ["source"] = "pos" }, updated.Metadata);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.Equal(created.CreatedAt + TimeSpan.FromSeconds(5), updated.UpdatedAt);
    }

    [Fact]
    public async Task Empty_strings_clear_email_name_and_phone_and_an_empty_list_clears_addresses()
    {
        await Customer.Create(Ada());

        var cleared = await Customer.Update(new CustomerRequest { Email = "", Name = "", Phone = "", Addresses = [] });

        Assert.Equal((null, null, null), (cleared.Email, cleared.Name, cleared.Phone));
        Assert.Empty(cleared.Addresses);
        Assert.Equal("gold", cleared.Metadata["tier"]);
        await AssertFails("NO_FIELDS_TO_UPDATE", () => Customer.Update(new CustomerRequest()));
    }

    [Fact]
    public async Task Invalid_details_are_refused_and_change_nothing()
    {
        await AssertFails("INVALID_EMAIL", () => Customer.Create(new CustomerRequest { Email = "ada@localhost" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Get());

        await Customer.Create(Ada());
        await AssertFails("INVALID_EMAIL", () => Customer.Update(new CustomerRequest { Email = "not an email" }));
        await AssertFails("INVALID_PHONE", () => Customer.Update(new CustomerRequest { Phone = "call me" }));
        await AssertFails("INVALID_COUNTRY", () => Customer.Update(new CustomerRequest { Addresses = [Home("us")] }));
        await AssertFails("TOO_MANY_ITEMS", () => Customer.Update(new CustomerRequest { Addresses = Enumerable.Range(0, 11).Select(_ => Home()).ToList() }));
        await AssertFails("FIELD_TOO_LONG", () => Customer.Update(new CustomerRequest { Name = new string('a', 256) }));

        var unchanged = await Customer.Get();
        Assert.Equal(("ada.lovelace@example.com", "+44 (20) 7946-0958", 1L), (unchanged.Email, unchanged.Phone, unchanged.Version));
        Assert.Equal("US", Assert.Single(unchanged.Addresses).Country);
    }

    [Fact]
    public async Task A_deleted_customer_reads_as_missing_and_cannot_be_linked_to_an_order()
    {
        await Customer.Create(Ada());
        await Customer.EnsureLinkable();

        var deleted = await Customer.Delete();

        Assert.True(deleted.Deleted);
        Assert.Equal(2L, deleted.Version);
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Get());
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Update(new CustomerRequest { Name = "Back" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Delete());
        var refused = await AssertFails("INVALID_CUSTOMER", () => Customer.EnsureLinkable());
        Assert.Equal("customer_id", refused.Param);
    }

    [Fact]
    public async Task An_unknown_customer_cannot_be_linked_or_read()
    {
        await AssertFails("INVALID_CUSTOMER", () => Customer.EnsureLinkable());
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Get());
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Update(new CustomerRequest { Name = "x" }));
        await AssertFails("RESOURCE_NOT_FOUND", () => Customer.Delete());
    }

    [Fact]
    public async Task A_customer_survives_deactivation()
    {
        var created = await Customer.Create(Ada());
        await Deactivate(Customer);

        Assert.Equivalent(created, await Customer.Get());
    }
}
