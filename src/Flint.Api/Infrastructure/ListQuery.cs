using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Reads a page of one kind of object from the projection table (flint_objects). Keyset pagination on
/// (sort column, id): walking the pages never skips or repeats an object that existed when the walk began.
/// Filters are added by the caller as SQL fragments with parameters; their values are part of the page
/// token's fingerprint so a token cannot be reused with other settings.
/// </summary>
public sealed class ListQuery
{
    private static readonly string[] SortColumns = ["created_at", "updated_at", "name"];
    private readonly List<string> _where = [];
    private readonly List<NpgsqlParameter> _params = [];
    private readonly StringBuilder _fingerprint = new();

    public ListQuery(Tenant tenant, string kind, IQueryCollection query, string defaultSort = "created_at", string defaultDirection = "desc", IEnumerable<string>? allowedSorts = null)
    {
        Kind = kind;
        Query = query;
        SortBy = query["sort_by"].ToString() is { Length: > 0 } s ? s : defaultSort;
        if (!(allowedSorts ?? SortColumns).Contains(SortBy))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", $"sort_by must be one of {string.Join(", ", allowedSorts ?? SortColumns)}.", "sort_by");
        SortDirection = query["sort_direction"].ToString() is { Length: > 0 } d ? d : defaultDirection;
        if (SortDirection is not ("asc" or "desc"))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", "sort_direction must be asc or desc.", "sort_direction");
        PageSize = Flint.Domain.PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } ps ? ps : null);
        Where("o.merchant_id = @m", new NpgsqlParameter("m", tenant.MerchantId), fingerprint: false);
        Where("o.environment = @e", new NpgsqlParameter("e", tenant.Environment), fingerprint: false);
        Where("o.kind = @kind", new NpgsqlParameter("kind", kind), fingerprint: false);
        TimeRange("created_at");
        TimeRange("updated_at");
    }

    public string Kind { get; }
    public IQueryCollection Query { get; }
    public string SortBy { get; }
    public string SortDirection { get; }
    public int PageSize { get; }

    public ListQuery Where(string sql, NpgsqlParameter p, bool fingerprint = true)
    {
        _where.Add(sql);
        _params.Add(p);
        if (fingerprint) _fingerprint.Append(p.ParameterName).Append('=').Append(p.Value).Append(';');
        return this;
    }

    public ListQuery Where(string sql)
    {
        _where.Add(sql);
        _fingerprint.Append(sql).Append(';');
        return this;
    }

    /// <summary>query=… matches a case-insensitive substring of the object's id, name, description and SKUs.</summary>
    public ListQuery Search()
    {
        var q = Query["query"].ToString();
        if (q.Length == 0) return this;
        if (q.Length > 255) throw ApiException.Invalid("INVALID_FIELD", "query is at most 255 characters.", "query");
        var escaped = q.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        return Where("o.search_text LIKE @q", new NpgsqlParameter("q", $"%{escaped}%"));
    }

    /// <summary>status=…; without it, deleted objects are left out.</summary>
    public ListQuery Status(params string[] allowed)
    {
        var s = Query["status"].ToString();
        if (s.Length == 0) return Where("o.status <> 'deleted'");
        if (!allowed.Contains(s))
            throw ApiException.Invalid("INVALID_ENUM_VALUE", $"status must be one of {string.Join(", ", allowed)}.", "status");
        return Where("o.status = @status", new NpgsqlParameter("status", s));
    }

    private void TimeRange(string column)
    {
        foreach (var (suffix, op) in new[] { ("after", ">"), ("before", "<") })
        {
            var name = $"{column.Replace("_at", "")}_{suffix}";
            var raw = Query[name].ToString();
            if (raw.Length == 0) continue;
            if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                throw ApiException.Invalid("INVALID_TIMESTAMP", $"{name} must be an RFC 3339 timestamp.", name);
            Where($"o.{column} {op} @{name}", new NpgsqlParameter(name, t));
        }
    }

    public async Task<(List<JsonObject> Items, string? NextPageToken)> Run(NpgsqlDataSource db, CancellationToken ct)
    {
        var fingerprint = $"{Kind}|{Fingerprint()}";
        PageCursor? cursor;
        try
        {
            cursor = PageToken.Decode(Query["page_token"].ToString() is { Length: > 0 } t ? t : null, SortBy, SortDirection, fingerprint);
        }
        catch (DomainException e)
        {
            throw ApiException.Invalid(e.Code, e.Message, e.Param);
        }
        // coalesce: a row without a name must still compare, or keyset paging would drop it after page 1.
        var sortExpr = SortBy == "name" ? "coalesce(o.name, '') COLLATE \"C\"" : $"o.{SortBy}";
        var cmp = SortDirection == "asc" ? ">" : "<";
        var where = new List<string>(_where);
        var parameters = new List<NpgsqlParameter>(_params.Select(p => p.Clone()));
        if (cursor is not null)
        {
            where.Add($"({sortExpr}, o.id COLLATE \"C\") {cmp} (@after_value, @after_id COLLATE \"C\")");
            parameters.Add(SortBy == "name"
                ? new NpgsqlParameter("after_value", cursor.LastSortValue)
                : new NpgsqlParameter("after_value", DateTimeOffset.Parse(cursor.LastSortValue, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)));
            parameters.Add(new NpgsqlParameter("after_id", cursor.LastId));
        }
        var dir = SortDirection.ToUpperInvariant();
        var sql = $"""
            SELECT o.id, o.doc::text, o.name, o.created_at, o.updated_at FROM flint_objects o
            WHERE {string.Join(" AND ", where)}
            ORDER BY {sortExpr} {dir}, o.id COLLATE "C" {dir}
            LIMIT {PageSize + 1}
            """;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters.ToArray());
        var rows = new List<(string Id, string Doc, string? Name, DateTimeOffset Created, DateTimeOffset Updated)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                rows.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4)));
        }
        string? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            var last = rows[^1];
            var value = SortBy switch
            {
                "name" => last.Name ?? "",
                "updated_at" => last.Updated.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                _ => last.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            };
            next = PageToken.Encode(new PageCursor(SortBy, SortDirection, fingerprint, value, last.Id));
        }
        return (rows.Select(r => JsonNode.Parse(r.Doc)!.AsObject()).ToList(), next);
    }

    private string Fingerprint() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_fingerprint.ToString())))[..16];

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
}
