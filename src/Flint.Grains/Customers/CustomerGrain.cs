using System.Text.Json.Serialization;
using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Flint.Grains.Payments;
using Flint.Payments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Flint.Grains.Customers;

[GenerateSerializer, Alias("flint.customers.customer_state")]
public sealed class CustomerState : CatalogObjectState
{
    [Id(0)] public string? Email { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public string? Phone { get; set; }
    /// <summary>Stored as the API shows them (the same six fields): an address is one value, with one type.</summary>
    [Id(3)] public List<AddressView> Addresses { get; set; } = [];
    [Id(5)] public bool Deleted { get; set; }
    /// <summary>A customer is active or deleted, and is stored with the <c>deleted</c> flag it always had.</summary>
    [JsonIgnore]
    public override CatalogStatus Status
    {
        get => Deleted ? CatalogStatus.Deleted : CatalogStatus.Active;
        set => Deleted = value == CatalogStatus.Deleted;
    }
    /// <summary>The processor's customer that holds this customer's saved cards (created with the first card).</summary>
    [Id(8)] public string? ProcessorCustomerId { get; set; }
    [Id(9)] public List<SavedPaymentMethodState> PaymentMethods { get; set; } = [];
}

[GenerateSerializer, Alias("flint.customers.saved_payment_method")]
public sealed class SavedPaymentMethodState
{
    [Id(0)] public string CustomerPaymentMethodId { get; set; } = "";
    [Id(1)] public string ProcessorPaymentMethodId { get; set; } = "";
    [Id(2)] public string Brand { get; set; } = "";
    [Id(3)] public string Last4 { get; set; } = "";
    [Id(4)] public int ExpMonth { get; set; }
    [Id(5)] public int ExpYear { get; set; }
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A buyer the merchant knows: contact details, addresses and metadata. Every field is optional (an anonymous
/// customer is still worth an id that orders can point at). Deleting keeps the state — orders that name the
/// customer still refer to something — but the customer then reads as missing and can no longer be linked.
/// </summary>
public sealed class CustomerGrain(
    [PersistentState("customer", StorageNames.Flint)] IPersistentState<CustomerState> store,
    DeepCopier<CustomerState> copier,
    TimeProvider clock) : CatalogGrain<CustomerState, CustomerView>(store, copier, clock), ICustomerGrain
{
    protected override string Kind => CustomerProjection.Kind;

    /// <summary>Like Stripe: a deleted customer is gone, so reading, changing or deleting it again is 404 (a retry that
    /// must see the first answer sends an Idempotency-Key).</summary>
    protected override bool DeletedReadsAsMissing => true;

    public async Task<CustomerView> Create(CustomerRequest r)
    {
        if (Exists) return await Current();
        return await SaveNew(Resolve(r, current: null), Now);
    }

    public Task<CustomerView> Update(CustomerRequest r)
    {
        EnsureEditable();
        if (r.Email is null && r.Name is null && r.Phone is null && r.Addresses is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        return Save("updated", Resolve(r, State));
    }

    public const int MaxPaymentMethods = 20;

    public async Task<CustomerPaymentMethodView> AddPaymentMethod(AddPaymentMethodRequest request)
    {
        EnsureExists();
        if (request.Token is null) throw DomainException.Missing("token");
        Validation.RequireLength(request.Token, "token", 1, 255);
        if (State.PaymentMethods.Count >= MaxPaymentMethods)
            throw DomainException.Invalid("TOO_MANY_ITEMS", $"A customer keeps at most {MaxPaymentMethods} payment methods.", "token");
        var key = await GrainFactory.GetGrain<IMerchantSettingsGrain>(Tenant.GrainKey(IMerchantSettingsGrain.Key)).StripeSecretKey();
        var (processor, context) = ServiceProvider.GetRequiredService<PaymentProcessorRouter>().For(Tenant, key);
        SavedPaymentMethod saved;
        try
        {
            saved = await processor.AttachPaymentMethod(context, ObjectId, State.ProcessorCustomerId, request.Token, CancellationToken.None);
        }
        catch (PaymentMethodNotSavedException e) when (e.Transient)
        {
            throw DomainException.PaymentFailed("PROCESSOR_UNAVAILABLE", "The card processor did not answer; retry shortly.");
        }
        catch (PaymentMethodNotSavedException e)
        {
            throw DomainException.Declined(e.Code, "The processor refused to save this card: " + e.Message);
        }
        var method = new SavedPaymentMethodState
        {
            CustomerPaymentMethodId = FlintId.New(IdPrefix.CustomerPaymentMethod),
            ProcessorPaymentMethodId = saved.ProcessorPaymentMethodId,
            Brand = saved.Brand,
            Last4 = saved.Last4,
            ExpMonth = saved.ExpMonth,
            ExpYear = saved.ExpYear,
            CreatedAt = Now,
        };
        return await SaveAs("payment_method.attached", draft =>
        {
            draft.ProcessorCustomerId = saved.ProcessorCustomerId;
            draft.PaymentMethods.Add(method);
        }, draft => MethodView(draft, method));
    }

    public Task<IReadOnlyList<CustomerPaymentMethodView>> ListPaymentMethods()
    {
        EnsureExists();
        return Task.FromResult<IReadOnlyList<CustomerPaymentMethodView>>(State.PaymentMethods.Select(m => MethodView(State, m)).ToList());
    }

    public Task<CustomerPaymentMethodView> GetPaymentMethod(string customerPaymentMethodId)
    {
        EnsureExists();
        var m = State.PaymentMethods.FirstOrDefault(x => x.CustomerPaymentMethodId == customerPaymentMethodId) ?? throw NotFound("payment method");
        return Task.FromResult(MethodView(State, m));
    }

    public async Task<CustomerPaymentMethodView> RemovePaymentMethod(string customerPaymentMethodId)
    {
        EnsureExists();
        var m = State.PaymentMethods.FirstOrDefault(x => x.CustomerPaymentMethodId == customerPaymentMethodId) ?? throw NotFound("payment method");
        return await SaveAs("payment_method.detached",
            draft => draft.PaymentMethods.RemoveAll(x => x.CustomerPaymentMethodId == customerPaymentMethodId),
            draft => MethodView(draft, m));
    }

    private CustomerPaymentMethodView MethodView(CustomerState s, SavedPaymentMethodState m) => new()
    {
        CustomerPaymentMethodId = m.CustomerPaymentMethodId,
        CustomerId = ObjectId,
        Brand = m.Brand,
        Last4 = m.Last4,
        ExpMonth = m.ExpMonth,
        ExpYear = m.ExpYear,
        CreatedAt = m.CreatedAt,
        ProcessorPaymentMethodId = m.ProcessorPaymentMethodId,
        ProcessorCustomerId = s.ProcessorCustomerId ?? "",
    };

    public Task EnsureLinkable()
    {
        if (!Exists || State.Deleted)
            throw DomainException.Invalid("INVALID_CUSTOMER", $"Customer {ObjectId} does not exist.", "customer_id");
        return Task.CompletedTask;
    }

    protected override ValueTask<Func<CustomerState, CustomerView>> Viewer() => new(ToView);

    // The name is never null: keyset pagination compares (name, id) rows, and a NULL would drop the row from later pages.
    protected override ProjectionRecord Project(CustomerState s) =>
        CatalogProjection(s, ToView(s), s.Name ?? "", CatalogInput.SearchText([ObjectId, s.Email, s.Name]));

    /// <summary>The customer's fields after <paramref name="r"/> (on create, <paramref name="current"/> is null).</summary>
    private static Action<CustomerState> Resolve(CustomerRequest r, CustomerState? current)
    {
        var email = r.Email is null && current is not null ? current.Email : CustomerInput.Email(r.Email);
        var name = r.Name is null && current is not null ? current.Name : CustomerInput.Name(r.Name);
        var phone = r.Phone is null && current is not null ? current.Phone : CustomerInput.Phone(r.Phone);
        var addresses = r.Addresses is null && current is not null ? current.Addresses : CustomerInput.Addresses(r.Addresses);
        var metadata = CatalogInput.MetadataAfter(current?.Metadata, r.Metadata);
        return draft =>
        {
            draft.Email = email;
            draft.Name = name;
            draft.Phone = phone;
            draft.Addresses = addresses;
            draft.Metadata = metadata;
        };
    }

    private CustomerView ToView(CustomerState s) => new()
    {
        CustomerId = ObjectId,
        Email = s.Email,
        Name = s.Name,
        Phone = s.Phone,
        Addresses = s.Addresses,
        Metadata = s.Metadata,
        Deleted = s.Deleted,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
