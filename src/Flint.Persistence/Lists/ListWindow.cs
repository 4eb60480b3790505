namespace Flint.Persistence.Lists;

public enum ListSort
{
    CreatedAt,
    UpdatedAt,
    Name,
}

public enum SortDirection
{
    Asc,
    Desc,
}

/// <summary>
/// Which page of a list: its order, its size, where the previous page ended (the opaque page token that page
/// returned, or null for the first), and the created/updated windows every list takes. The host parses these from
/// the query string; a token that does not fit the request is refused here (400 INVALID_PAGE_TOKEN).
/// </summary>
public sealed record ListWindow(ListSort SortBy, SortDirection Direction, int PageSize, string? PageToken)
{
    public DateTimeOffset? CreatedAfter { get; init; }
    public DateTimeOffset? CreatedBefore { get; init; }
    public DateTimeOffset? UpdatedAfter { get; init; }
    public DateTimeOffset? UpdatedBefore { get; init; }
}
