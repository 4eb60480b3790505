using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Flint.Domain;

/// <summary>
/// Where the previous page ended, for keyset pagination: the next page starts strictly after
/// (<see cref="LastSortValue"/>, <see cref="LastId"/>) in the (<see cref="SortBy"/>, <see cref="SortDirection"/>) order.
/// <see cref="FilterFingerprint"/> ties the cursor to the filters it was issued under (see <see cref="PageToken.Fingerprint"/>).
/// </summary>
public sealed record PageCursor(string SortBy, string SortDirection, string FilterFingerprint, string LastSortValue, string LastId);

/// <summary>
/// The opaque <c>page_token</c>: URL-safe base64 (no padding) of a version byte, a small JSON payload and a
/// truncated HMAC-SHA256 of both. Any malformed, altered or mismatched token is <c>INVALID_PAGE_TOKEN</c>
/// (param <c>page_token</c>).
/// </summary>
/// <remarks>
/// The HMAC key is derived from a constant and the sort settings, so every silo (and every restart) accepts every
/// other silo's tokens without shared secrets. That makes the MAC a checksum against garbage and hand edits, not a
/// security boundary: someone reading this code can forge a token, but a forged token only moves a cursor within
/// the caller's own, tenant-scoped list.
/// </remarks>
public static class PageToken
{
    private const byte Version = 1;
    private const int MacLength = 12;
    private const string Param = "page_token";
    private const string KeyConstant = "flint.page_token.v1";

    public static string Encode(PageCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var payload = WritePayload(cursor);
        var token = new byte[1 + payload.Length + MacLength];
        token[0] = Version;
        payload.CopyTo(token, 1);
        Mac(cursor.SortBy, cursor.SortDirection, token.AsSpan(0, 1 + payload.Length)).CopyTo(token, 1 + payload.Length);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>
    /// Null or empty token → null (first page). Otherwise the cursor, after checking it is intact and was issued for
    /// the same sort settings and filters as this request.
    /// </summary>
    public static PageCursor? Decode(string? token, string sortBy, string sortDirection, string filterFingerprint)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid("page_token is not a token returned by this API.");
        }

        if (bytes.Length < 1 + 2 + MacLength || bytes[0] != Version)
        {
            throw Invalid("page_token is not a token returned by this API.");
        }

        var signed = bytes.AsSpan(0, bytes.Length - MacLength);
        var cursor = ReadPayload(signed[1..]) ?? throw Invalid("page_token is not a token returned by this API.");
        var expectedMac = Mac(cursor.SortBy, cursor.SortDirection, signed);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, bytes.AsSpan(bytes.Length - MacLength)))
        {
            throw Invalid("page_token is damaged; pass it back exactly as it was returned.");
        }

        if (!string.Equals(cursor.SortBy, sortBy, StringComparison.Ordinal)
            || !string.Equals(cursor.SortDirection, sortDirection, StringComparison.Ordinal))
        {
            throw Invalid(
                $"page_token was issued for sort_by={cursor.SortBy} sort_direction={cursor.SortDirection}; " +
                $"this request uses sort_by={sortBy} sort_direction={sortDirection}. Keep the sort settings while paging, or start again without page_token.");
        }

        if (!string.Equals(cursor.FilterFingerprint, filterFingerprint, StringComparison.Ordinal))
        {
            throw Invalid("page_token was issued for different filters; keep the filters while paging, or start again without page_token.");
        }

        return cursor;
    }

    /// <summary>
    /// A short, stable fingerprint of a list request's filters: names are sorted, null values (filter not set) are
    /// left out, and the canonical form is hashed so long search queries do not bloat the token.
    /// </summary>
    public static string Fingerprint(IEnumerable<KeyValuePair<string, string?>> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var canonical = new StringBuilder();
        foreach (var (name, value) in filters.Where(f => f.Value is not null).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            // Length prefixes make the encoding unambiguous whatever characters the values contain.
            canonical.Append(name.Length).Append(':').Append(name).Append('=')
                .Append(value!.Length).Append(':').Append(value).Append(';');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        return Base64Url.EncodeToString(hash.AsSpan(0, 12));
    }

    private static byte[] WritePayload(PageCursor cursor)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("s", cursor.SortBy);
            writer.WriteString("d", cursor.SortDirection);
            writer.WriteString("f", cursor.FilterFingerprint);
            writer.WriteString("v", cursor.LastSortValue);
            writer.WriteString("i", cursor.LastId);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static PageCursor? ReadPayload(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Field(string name) =>
                root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String
                    ? element.GetString()
                    : null;

            var sortBy = Field("s");
            var direction = Field("d");
            var fingerprint = Field("f");
            var lastValue = Field("v");
            var lastId = Field("i");
            return sortBy is null || direction is null || fingerprint is null || lastValue is null || lastId is null
                ? null
                : new PageCursor(sortBy, direction, fingerprint, lastValue, lastId);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Mac(string sortBy, string sortDirection, ReadOnlySpan<byte> signed)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{KeyConstant}|{sortBy.Length}:{sortBy}|{sortDirection.Length}:{sortDirection}"));
        return HMACSHA256.HashData(key, signed)[..MacLength];
    }

    private static DomainException Invalid(string message) => DomainException.Invalid("INVALID_PAGE_TOKEN", message, Param);
}
