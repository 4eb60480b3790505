using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Flint.Domain;

/// <summary>
/// Object ids: <c>{prefix}_{ULID}</c>, e.g. <c>ord_01JD3XK5W4Q8Z6N2R7B9C1V0TE</c>. The ULID is 26 Crockford base32
/// characters: a 48-bit millisecond timestamp (so ids sort by creation time with ordinal comparison, which keyset
/// pagination relies on) followed by 80 bits from <see cref="RandomNumberGenerator"/> (so ids cannot be guessed).
/// </summary>
/// <remarks>
/// Within one process, ids made in the same millisecond still sort in creation order: the random part of the next id
/// is the previous one plus a random step of 1..2^32, which keeps order without making the neighbour predictable.
/// If that would overflow 80 bits (practically never), or the clock moved backwards, fresh random bits are used.
/// </remarks>
public static class FlintId
{
    public const int UlidLength = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;
    private static readonly Lock Gate = new();
    private static long lastMilliseconds = -1;
    private static UInt128 lastRandom;

    public static string New(string prefix, TimeProvider? time = null)
    {
        RequireWellFormedPrefix(prefix);
        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        if (now < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), "The clock is before 1970, which a ULID cannot hold.");
        }

        UInt128 random;
        lock (Gate)
        {
            random = now == lastMilliseconds ? lastRandom + RandomStep() : RandomBits();
            if (random > RandomMask)
            {
                random = RandomBits();
            }

            lastMilliseconds = now;
            lastRandom = random;
        }

        return Format(prefix, ((UInt128)(ulong)now << 80) | random);
    }

    private static string Format(string prefix, UInt128 value)
    {
        return string.Create(prefix.Length + 1 + UlidLength, (prefix, value), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            span[state.prefix.Length] = '_';
            var ulid = span[(state.prefix.Length + 1)..];
            var bits = state.value;
            for (var i = UlidLength - 1; i >= 0; i--)
            {
                ulid[i] = Alphabet[(int)(bits & 31)];
                bits >>= 5;
            }
        });
    }

    /// <summary>
    /// An id that is the same every time it is made from the same <paramref name="seed"/>: the ULID's time is
    /// <paramref name="at"/> and its 80 random bits come from SHA-256 of the seed. For objects that must exist once per
    /// thing (a subscription cycle's order and invoice): whoever makes it again, after a crash or twice at once, names
    /// the same object. The seed must hold something unguessable (an id made by <see cref="New"/>).
    /// </summary>
    public static string Derived(string prefix, DateTimeOffset at, string seed)
    {
        RequireWellFormedPrefix(prefix);
        var ms = Math.Max(0, at.ToUnixTimeMilliseconds());
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed), hash);
        var random = BinaryPrimitives.ReadUInt128BigEndian(hash[..16]) & RandomMask;
        return Format(prefix, ((UInt128)(ulong)ms << 80) | random);
    }

    /// <summary>
    /// Exact format check: <c>{prefix}_</c> then 26 upper-case Crockford base32 characters whose first character is
    /// at most <c>7</c> (a ULID is 128 bits; 26 characters hold 130).
    /// </summary>
    public static bool IsValid([NotNullWhen(true)] string? id, string prefix)
    {
        if (id is null || string.IsNullOrEmpty(prefix) || id.Length != prefix.Length + 1 + UlidLength
            || !id.StartsWith(prefix, StringComparison.Ordinal) || id[prefix.Length] != '_')
        {
            return false;
        }

        var ulid = id.AsSpan(prefix.Length + 1);
        if (ulid[0] > '7')
        {
            return false;
        }

        foreach (var c in ulid)
        {
            if (Alphabet.IndexOf(c) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// For ids a client refers to in a body (<c>product_id</c>): returns the id or throws <c>INVALID_ID</c>.
    /// An id in the URL path that is malformed should instead be a plain 404, like any other unknown id.
    /// </summary>
    public static string Validate(string? id, string prefix, string param)
    {
        if (IsValid(id, prefix))
        {
            return id;
        }

        throw DomainException.Invalid(
            "INVALID_ID",
            id is null ? $"{param} is required." : $"\"{id}\" is not a valid {param}; expected an id starting with \"{prefix}_\".",
            param);
    }

    /// <summary>The creation time encoded in a well-formed id (millisecond precision).</summary>
    public static bool TryGetTimestamp(string? id, string prefix, out DateTimeOffset createdAt)
    {
        createdAt = default;
        if (!IsValid(id, prefix))
        {
            return false;
        }

        long milliseconds = 0;
        foreach (var c in id.AsSpan(prefix.Length + 1, 10))
        {
            milliseconds = (milliseconds << 5) | (long)Alphabet.IndexOf(c);
        }

        // 48 bits reach past year 9999, which only a hand-made id can claim.
        if (milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        createdAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    private static UInt128 RandomBits()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes) & RandomMask;
    }

    private static UInt128 RandomStep()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return (UInt128)BinaryPrimitives.ReadUInt32BigEndian(bytes) + 1;
    }

    private static void RequireWellFormedPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        foreach (var c in prefix)
        {
            if (c is < 'a' or > 'z')
            {
                throw new ArgumentException($"Id prefix \"{prefix}\" must be lower-case letters only.", nameof(prefix));
            }
        }
    }
}
