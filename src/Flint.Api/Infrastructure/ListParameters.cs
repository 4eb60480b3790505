using System.Globalization;
using Flint.Domain;
using Flint.Domain.Catalog;
using Flint.Persistence.Lists;

namespace Flint.Api.Infrastructure;

/// <summary>
/// The query parameters every list shares (API.md "Lists"), parsed and checked into the typed
/// <see cref="ListWindow"/> and filters that <see cref="IObjectLists"/> takes: page_size, page_token, sort_by,
/// sort_direction, created_after/before, updated_after/before, query and the catalog status.
/// </summary>
public static class ListParameters
{
    /// <summary>The sorts a list offers unless it says otherwise.</summary>
    public static readonly string[] Sorts = ["created_at", "updated_at", "name"];

    /// <summary>Checks sort_by, sort_direction, page_size and the time ranges, in that order.</summary>
    public static ListWindow Window(IQueryCollection query, IEnumerable<string>? allowedSorts = null)
    {
        var sorts = allowedSorts?.ToArray() ?? Sorts;
        var sortBy = query["sort_by"].ToString() is { Length: > 0 } s ? s : "created_at";
        if (!sorts.Contains(sortBy) || !SnakeCase.TryParse<ListSort>(sortBy, out var sort))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", $"sort_by must be one of {string.Join(", ", sorts)}.", "sort_by");
        var direction = query["sort_direction"].ToString() is { Length: > 0 } d ? d : "desc";
        if (!SnakeCase.TryParse<SortDirection>(direction, out var sortDirection))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", "sort_direction must be asc or desc.", "sort_direction");
        var pageSize = PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } ps ? ps : null);
        return new ListWindow(sort, sortDirection, pageSize, query["page_token"].ToString() is { Length: > 0 } t ? t : null)
        {
            CreatedAfter = Time(query, "created_after"),
            CreatedBefore = Time(query, "created_before"),
            UpdatedAfter = Time(query, "updated_after"),
            UpdatedBefore = Time(query, "updated_before"),
        };
    }

    /// <summary>query=…: a case-insensitive substring of the object's id, name, description and SKUs.</summary>
    public static string? Search(IQueryCollection query)
    {
        var q = query["query"].ToString();
        if (q.Length == 0) return null;
        if (q.Length > 255) throw ApiException.Invalid("INVALID_FIELD", "query is at most 255 characters.", "query");
        return q;
    }

    /// <summary>status=active|inactive|deleted; without it, deleted objects are left out.</summary>
    public static CatalogStatus? Status(IQueryCollection query)
    {
        var s = query["status"].ToString();
        if (s.Length == 0) return null;
        return SnakeCase.TryParse<CatalogStatus>(s, out var status)
            ? status
            : throw ApiException.Invalid("INVALID_ENUM_VALUE", $"status must be one of {string.Join(", ", SnakeCase.Names<CatalogStatus>())}.", "status");
    }

    /// <summary>A text filter, or null when absent or empty.</summary>
    public static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } v ? v : null;

    /// <summary>A text filter that takes one of a fixed set of values (a status kept as text: payments', invoices'), or
    /// null when absent or empty.</summary>
    public static string? OneOf(IQueryCollection query, string name, IReadOnlyCollection<string> values)
    {
        var value = Text(query, name);
        if (value is not null && !values.Contains(value))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", $"{name} must be one of {string.Join(", ", values)}.", name);
        return value;
    }

    public static bool Flag(IQueryCollection q, string name)
    {
        var raw = q[name].ToString();
        return raw switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw ApiException.Invalid("INVALID_FIELD_TYPE", $"{name} must be true or false.", name),
        };
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0) return null;
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw ApiException.Invalid("INVALID_TIMESTAMP", $"{name} must be an RFC 3339 timestamp.", name);
        return t;
    }
}
