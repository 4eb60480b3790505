using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain;
using Flint.Domain.Catalog;
using Npgsql;

namespace Flint.Persistence.Lists;

/// <summary>
/// Reads a page of one kind of object from the projection table (flint_objects). Keyset pagination on
/// (sort column, id): walking the pages never skips or repeats an object that existed when the walk began.
/// Filters are SQL fragments with parameters added by <see cref="ObjectLists"/> (never by the host); their values
/// are part of the page token's fingerprint so a token cannot be reused with other settings.
/// </summary>
/// <remarks>The fingerprint is built exactly as the host built it before the lists moved here (each parameter as
/// "name=value;", each fragment without one as its own text, in the order they are added), so page tokens handed
/// out before the move still page on (PageTokenCompatibilityApiTests pins it).</remarks>
internal sealed class ProjectionPage
{
    private readonly List<string> _where = [];
    private readonly List<NpgsqlParameter> _params = [];
    private readonly StringBuilder _fingerprint = new();
    private readonly string _kind;
    private readonly ListWindow _window;

    public ProjectionPage(Tenant tenant, string kind, ListWindow window)
    {
        _kind = kind;
        _window = window;
        Where("o.merchant_id = @m", new NpgsqlParameter("m", tenant.MerchantId), fingerprint: false);
        Where("o.environment = @e", new NpgsqlParameter("e", tenant.Environment), fingerprint: false);
        Where("o.kind = @kind", new NpgsqlParameter("kind", kind), fingerprint: false);
        TimeRange("created_at", window.CreatedAfter, window.CreatedBefore);
        TimeRange("updated_at", window.UpdatedAfter, window.UpdatedBefore);
    }

    private string SortBy => SnakeCase.ToSnake(_window.SortBy);
    private string SortDirection => SnakeCase.ToSnake(_window.Direction);

    public ProjectionPage Where(string sql, NpgsqlParameter p, bool fingerprint = true)
    {
        _where.Add(sql);
        _params.Add(p);
        if (fingerprint) _fingerprint.Append(p.ParameterName).Append('=').Append(p.Value).Append(';');
        return this;
    }

    public ProjectionPage Where(string sql)
    {
        _where.Add(sql);
        _fingerprint.Append(sql).Append(';');
        return this;
    }

    /// <summary>A case-insensitive substring of the object's search text (which its grain writes lower-case).</summary>
    public ProjectionPage Search(string? text)
    {
        if (string.IsNullOrEmpty(text)) return this;
        var escaped = text.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        return Where("o.search_text LIKE @q", new NpgsqlParameter("q", $"%{escaped}%"));
    }

    /// <summary>A named catalog status; without one, deleted objects are left out.</summary>
    public ProjectionPage Status(CatalogStatus? status) =>
        status is { } s ? Where("o.status = @status", new NpgsqlParameter("status", SnakeCase.ToSnake(s))) : NotDeleted();

    public ProjectionPage NotDeleted() => Where("o.status <> 'deleted'");

    private void TimeRange(string column, DateTimeOffset? after, DateTimeOffset? before)
    {
        foreach (var (suffix, op, value) in new[] { ("after", ">", after), ("before", "<", before) })
        {
            if (value is not { } t) continue;
            var name = $"{column.Replace("_at", "")}_{suffix}";
            Where($"o.{column} {op} @{name}", new NpgsqlParameter(name, t));
        }
    }

    public async Task<Page<JsonObject>> Run(NpgsqlDataSource db, CancellationToken ct)
    {
        var fingerprint = $"{_kind}|{Fingerprint()}";
        var cursor = PageToken.Decode(_window.PageToken, SortBy, SortDirection, fingerprint);
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
        var pageSize = _window.PageSize;
        var sql = $"""
            SELECT o.id, o.doc::text, o.name, o.created_at, o.updated_at FROM flint_objects o
            WHERE {string.Join(" AND ", where)}
            ORDER BY {sortExpr} {dir}, o.id COLLATE "C" {dir}
            LIMIT {pageSize + 1}
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
        if (rows.Count > pageSize)
        {
            rows.RemoveAt(pageSize);
            var last = rows[^1];
            var value = SortBy switch
            {
                "name" => last.Name ?? "",
                "updated_at" => last.Updated.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                _ => last.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            };
            next = PageToken.Encode(new PageCursor(SortBy, SortDirection, fingerprint, value, last.Id));
        }
        return new Page<JsonObject>(rows.Select(r => JsonNode.Parse(r.Doc)!.AsObject()).ToList(), next);
    }

    private string Fingerprint() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_fingerprint.ToString())))[..16];
}
