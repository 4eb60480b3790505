using System.Globalization;
using Flint.Abstractions;
using Flint.Domain;
using Npgsql;

namespace Flint.Persistence;

/// <summary>
/// Keyset pages of a table read newest first by (created_at, id), the ids compared byte-wise (COLLATE "C"): the event
/// log and a webhook endpoint's deliveries. The page token names the last row shown and what was listed
/// (<paramref name="Fingerprint"/>), so a token from another list is refused.
/// </summary>
internal sealed record NewestFirst(string Fingerprint, PageCursor? Cursor)
{
    public static NewestFirst From(string? pageToken, string fingerprint) =>
        new(fingerprint, PageToken.Decode(pageToken, "created_at", "desc", fingerprint));

    /// <summary>The condition that skips what earlier pages showed (nothing on the first page), its parameters added to
    /// <paramref name="cmd"/>.</summary>
    public string After(NpgsqlCommand cmd)
    {
        if (Cursor is null) return "";
        cmd.Parameters.AddWithValue("after", DateTimeOffset.Parse(Cursor.LastSortValue, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        cmd.Parameters.AddWithValue("after_id", Cursor.LastId);
        return " AND (created_at, id COLLATE \"C\") < (@after, @after_id COLLATE \"C\")";
    }

    /// <summary>The ordering and limit: one row more than the page, to know whether another page follows.</summary>
    public static string OrderAndLimit(int pageSize) => $" ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT {pageSize + 1}";

    /// <summary>The page of <paramref name="rows"/> (read with <see cref="OrderAndLimit"/>) and the token of the next.</summary>
    public Page<T> Cut<T>(List<T> rows, int pageSize, Func<T, (DateTimeOffset CreatedAt, string Id)> key)
    {
        string? next = null;
        if (rows.Count > pageSize)
        {
            rows.RemoveAt(pageSize);
            var (at, id) = key(rows[^1]);
            next = PageToken.Encode(new PageCursor("created_at", "desc", Fingerprint, at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), id));
        }
        return new Page<T>(rows, next);
    }
}
