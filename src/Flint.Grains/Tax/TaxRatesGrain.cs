using System.Globalization;
using Flint.Abstractions;
using Flint.Abstractions.Tax;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Domain.Orders;
using Flint.Domain.Tax;
using Flint.Grains.Catalog;
using Flint.Grains.Common;
using Orleans.Serialization;

namespace Flint.Grains.Tax;

[GenerateSerializer, Alias("flint.tax.tax_rates_state")]
public sealed class TaxRatesState : ObjectState
{
    /// <summary>In creation order (oldest first).</summary>
    [Id(0)] public List<TaxRateState> Rates { get; set; } = [];
}

[GenerateSerializer, Alias("flint.tax.tax_rate_state")]
public sealed class TaxRateState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    /// <summary>Normalized wire form (<see cref="Percentage.Format"/>).</summary>
    [Id(2)] public string Percentage { get; set; } = "";
    [Id(3)] public string Inclusion { get; set; } = "additive";
    [Id(4)] public List<string> TaxCategories { get; set; } = [];
    [Id(5)] public string Country { get; set; } = "";
    [Id(6)] public string? Region { get; set; }
    [Id(7)] public List<string> PostalCodePrefixes { get; set; } = [];
    [Id(8)] public CatalogStatus Status { get; set; } = CatalogStatus.Active;
    [Id(9)] public Dictionary<string, string> Metadata { get; set; } = [];
    [Id(10)] public DateTimeOffset CreatedAt { get; set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(12)] public long Version { get; set; }
}

/// <summary>
/// Every tax rate of one merchant+environment. Rates are few and an order asks which of them apply on every
/// change, so they live together: <see cref="ApplicableTo"/> is an in-memory scan of a cached list of the active
/// rates with their parsed jurisdictions, no storage read. Lists are paged here too (there is no projection).
/// </summary>
public sealed class TaxRatesGrain(
    [PersistentState("tax_rates", StorageNames.Flint)] IPersistentState<TaxRatesState> store,
    DeepCopier<TaxRatesState> copier,
    TimeProvider clock) : TenantGrain<TaxRatesState>(store, copier, clock), ITaxRatesGrain
{
    /// <summary>Live (not deleted) rates per merchant+environment.</summary>
    public const int MaxRates = 500;

    /// <summary>Deleted rates still answer GET; beyond this many, the longest-deleted are forgotten.</summary>
    public const int DeletedRatesKept = 500;

    private const string SortBy = "created_at";
    private const string SortDirection = "desc";

    private long _activeVersion = -1;
    private List<(TaxJurisdiction Jurisdiction, TaxRateView View)> _active = [];

    public async Task<TaxRateView> Create(string taxRateId, TaxRateRequest r)
    {
        if (!FlintId.IsValid(taxRateId, IdPrefix.Tax)) throw new ArgumentException($"'{taxRateId}' is not a tax rate id.", nameof(taxRateId));
        if (Find(taxRateId) is { } existing) return ToView(existing);
        var apply = Resolve(r, current: null);
        if (State.Rates.Count(x => x.Status != CatalogStatus.Deleted) >= MaxRates)
            throw DomainException.Conflict("TAX_RATE_LIMIT_REACHED", $"A merchant has at most {MaxRates} tax rates; delete one first.");
        var now = Now;
        return await Change(draft =>
        {
            var rate = new TaxRateState { Id = taxRateId, CreatedAt = now };
            apply(rate);
            draft.Rates.Add(rate);
            return Stamped(draft, rate, "tax_rate.created", now);
        });
    }

    public Task<TaxRateView> Get(string taxRateId) => Task.FromResult(ToView(Existing(taxRateId)));

    public async Task<TaxRateView> Update(string taxRateId, TaxRateRequest r)
    {
        var current = Existing(taxRateId);
        if (current.Status == CatalogStatus.Deleted) throw DomainException.Conflict("TAX_RATE_DELETED", "This tax rate is deleted; deletion is permanent.");
        if (r.Name is null && r.Percentage is null && r.Inclusion is null && r.TaxCategories is null && r.Jurisdiction is null
            && r.Status is null && r.Metadata is null)
            throw CatalogInput.NoFields();
        var apply = Resolve(r, current);
        return await Change(draft =>
        {
            var rate = draft.Rates.First(x => x.Id == taxRateId);
            apply(rate);
            return Stamped(draft, rate, "tax_rate.updated", Now);
        });
    }

    public async Task<TaxRateView> Delete(string taxRateId)
    {
        var current = Existing(taxRateId);
        if (current.Status == CatalogStatus.Deleted) return ToView(current);
        return await Change(draft =>
        {
            var rate = draft.Rates.First(x => x.Id == taxRateId);
            rate.Status = CatalogStatus.Deleted;
            var v = Stamped(draft, rate, "tax_rate.deleted", Now);
            var deleted = draft.Rates.Where(x => x.Status == CatalogStatus.Deleted).ToList();
            if (deleted.Count > DeletedRatesKept)
            {
                foreach (var old in deleted.OrderBy(x => x.UpdatedAt).ThenBy(x => x.Id, StringComparer.Ordinal).Take(deleted.Count - DeletedRatesKept))
                    draft.Rates.Remove(old);
            }
            return v;
        });
    }

    public Task<Page<TaxRateView>> List(string? status, int pageSize, string? pageToken)
    {
        CatalogStatus? wanted = status is null ? null : Validation.ParseSnakeEnum<CatalogStatus>(status, "status");
        Validation.RequireRange(pageSize, 1, PageSize.Max, "page_size");
        var fingerprint = PageToken.Fingerprint([new("kind", "tax_rate"), new("status", status)]);
        var cursor = PageToken.Decode(pageToken, SortBy, SortDirection, fingerprint);
        IEnumerable<TaxRateState> rates = State.Rates
            .Where(x => wanted is null ? x.Status != CatalogStatus.Deleted : x.Status == wanted)
            .OrderByDescending(x => x.CreatedAt)
            .ThenByDescending(x => x.Id, StringComparer.Ordinal);
        if (cursor is not null)
        {
            if (!DateTimeOffset.TryParse(cursor.LastSortValue, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var lastCreated))
                throw DomainException.Invalid("INVALID_PAGE_TOKEN", "page_token is not a token returned by this API.", "page_token");
            rates = rates.Where(x => x.CreatedAt < lastCreated
                || (x.CreatedAt == lastCreated && string.CompareOrdinal(x.Id, cursor.LastId) < 0));
        }
        var page = rates.Take(pageSize + 1).ToList();
        string? next = null;
        if (page.Count > pageSize)
        {
            page.RemoveAt(pageSize);
            var last = page[^1];
            next = PageToken.Encode(new PageCursor(SortBy, SortDirection, fingerprint, FlintJson.Timestamp(last.CreatedAt), last.Id));
        }
        return Task.FromResult(new Page<TaxRateView>(page.Select(ToView).ToList(), next));
    }

    public Task<IReadOnlyList<TaxRateView>> ApplicableTo(TaxLocationInput? location)
    {
        if (location is null) return Task.FromResult<IReadOnlyList<TaxRateView>>([]);
        var where = TaxLocation.Validate(location.Country, location.Region, location.PostalCode, "tax_location");
        var result = new List<TaxRateView>();
        foreach (var (jurisdiction, view) in ActiveRates())
            if (jurisdiction.Matches(where)) result.Add(view);
        return Task.FromResult<IReadOnlyList<TaxRateView>>(result);
    }

    /// <summary>Null: every tax rate is listed from this grain, not from the projection table.</summary>
    protected override ProjectionRecord? Project(TaxRatesState state) => null;

    /// <summary>The active rates with their parsed jurisdictions, rebuilt only after the state changed.</summary>
    private List<(TaxJurisdiction Jurisdiction, TaxRateView View)> ActiveRates()
    {
        if (_activeVersion == State.Version) return _active;
        _active = State.Rates
            .Where(x => x.Status == CatalogStatus.Active)
            .Select(x => (new TaxJurisdiction(x.Country, x.Region, x.PostalCodePrefixes), ToView(x)))
            .ToList();
        _activeVersion = State.Version;
        return _active;
    }

    /// <summary>A rate's fields after <paramref name="r"/> (on create, <paramref name="current"/> is null), validated
    /// before anything changes.</summary>
    private static Action<TaxRateState> Resolve(TaxRateRequest r, TaxRateState? current)
    {
        var name = r.Name is null && current is not null ? current.Name : CatalogInput.Name(r.Name);
        var percentage = r.Percentage is null && current is not null ? current.Percentage : ParsePercentage(r.Percentage);
        var inclusion = r.Inclusion is null ? current?.Inclusion ?? "additive" : ParseInclusion(r.Inclusion);
        var categories = r.TaxCategories is null && current is not null ? current.TaxCategories : Categories(r.TaxCategories);
        var jurisdiction = r.Jurisdiction is null && current is not null
            ? new TaxJurisdiction(current.Country, current.Region, current.PostalCodePrefixes)
            : Jurisdiction(r.Jurisdiction);
        var status = CatalogInput.SettableStatus(r.Status, current?.Status ?? CatalogStatus.Active);
        var metadata = CatalogInput.MetadataAfter(current?.Metadata, r.Metadata);
        return rate =>
        {
            rate.Name = name;
            rate.Percentage = percentage;
            rate.Inclusion = inclusion;
            rate.TaxCategories = categories;
            rate.Country = jurisdiction.Country;
            rate.Region = jurisdiction.Region;
            rate.PostalCodePrefixes = jurisdiction.PostalCodePrefixes.ToList();
            rate.Status = status;
            rate.Metadata = metadata;
        };
    }

    /// <summary>A rate changed: its own version and updated_at (rates share one grain, so each counts its own changes),
    /// and its event.</summary>
    private TaxRateView Stamped(TaxRatesState draft, TaxRateState rate, string eventType, DateTimeOffset at)
    {
        rate.UpdatedAt = at;
        rate.Version++;
        var v = ToView(rate);
        Record(draft, eventType, v);
        return v;
    }

    private TaxRateState? Find(string taxRateId) => State.Rates.Find(x => x.Id == taxRateId);

    private TaxRateState Existing(string taxRateId) => Find(taxRateId) ?? throw NotFound("tax rate");

    private static string ParsePercentage(string? value) => value is null
        ? throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "percentage is required, as a decimal string such as \"8.875\".", "percentage")
        : Percentage.Format(Percentage.Parse(value, "percentage", Percentage.TaxDecimals));

    private static string ParseInclusion(string value) =>
        SnakeCase.ToSnake(Validation.ParseSnakeEnum<TaxInclusion>(value, "inclusion"));

    /// <summary>Snake_case tax categories, each once, in the order given; empty = every category.</summary>
    private static List<string> Categories(List<string>? values)
    {
        if (values is null) return [];
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var c = SnakeCase.ToSnake(Validation.ParseSnakeEnum<TaxCategory>(values[i], $"tax_categories[{i}]"));
            if (!result.Contains(c, StringComparer.Ordinal)) result.Add(c);
        }
        return result;
    }

    private static TaxJurisdiction Jurisdiction(JurisdictionInput? input)
    {
        if (input is null) throw DomainException.Invalid("MISSING_REQUIRED_FIELD", "jurisdiction is required, with at least a country.", "jurisdiction");
        return TaxJurisdiction.Validate(input.Country, input.Region, input.PostalCodePrefixes, "jurisdiction");
    }

    private static TaxRateView ToView(TaxRateState s) => new()
    {
        TaxRateId = s.Id,
        Name = s.Name,
        Percentage = s.Percentage,
        Inclusion = s.Inclusion,
        TaxCategories = s.TaxCategories,
        Jurisdiction = new JurisdictionView(s.Country, s.Region, s.PostalCodePrefixes),
        Status = SnakeCase.ToSnake(s.Status),
        Metadata = s.Metadata,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
