using System.Collections.Frozen;
using System.Text;

namespace Flint.Domain;

/// <summary>
/// Converts between C# PascalCase names and the API's lowercase snake_case wire form
/// (<c>PhysicalGoods</c> ⇄ <c>physical_goods</c>). Matches <c>JsonNamingPolicy.SnakeCaseLower</c> for enum names,
/// so serializer output and hand-written validation agree.
/// </summary>
public static class SnakeCase
{
    public static string ToSnake(string pascalName)
    {
        ArgumentNullException.ThrowIfNull(pascalName);
        var sb = new StringBuilder(pascalName.Length + 4);
        for (var i = 0; i < pascalName.Length; i++)
        {
            var c = pascalName[i];
            if (char.IsUpper(c))
            {
                // A word starts at an upper-case letter after a lower-case letter or digit, or at the last
                // capital of an acronym ("HTTPServer" → "http_server").
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(pascalName[i - 1]) || char.IsDigit(pascalName[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(pascalName[i - 1])
                    && i + 1 < pascalName.Length && char.IsLower(pascalName[i + 1]);
                if (previousIsLowerOrDigit || acronymEnds)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Wire form of an enum value (cached, allocation-free after first use).</summary>
    public static string ToSnake<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        EnumNames<TEnum>.ToWire.TryGetValue(value, out var wire)
            ? wire
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member with this value.");

    public static string ToPascal(string snakeName)
    {
        ArgumentNullException.ThrowIfNull(snakeName);
        var sb = new StringBuilder(snakeName.Length);
        var upperNext = true;
        foreach (var c in snakeName)
        {
            if (c == '_')
            {
                upperNext = true;
                continue;
            }

            sb.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        return sb.ToString();
    }

    /// <summary>
    /// Exact, case-sensitive match against the snake_case names of the enum's members. Numbers, PascalCase
    /// and upper-case spellings are rejected on purpose: the wire form has one spelling.
    /// </summary>
    public static bool TryParse<TEnum>(string? value, out TEnum result)
        where TEnum : struct, Enum
    {
        if (value is not null && EnumNames<TEnum>.FromWire.TryGetValue(value, out result))
        {
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>The member a wire name Flint wrote itself names (a view's status read back by another grain): an
    /// unknown name is a programming error, not a client's.</summary>
    public static TEnum Parse<TEnum>(string wire)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(wire, out var value)
            ? value
            : throw new ArgumentException($"'{wire}' is not a wire name of {typeof(TEnum).Name}.", nameof(wire));

    /// <summary>Whether a wire name is this member's (<c>view.Status</c> compared to an enum, not to a string literal
    /// that a renamed member would silently stop matching).</summary>
    public static bool Is<TEnum>(string? wire, TEnum value)
        where TEnum : struct, Enum => wire == ToSnake(value);

    /// <summary>All wire names of the enum, in declaration order (for error messages and docs).</summary>
    public static IReadOnlyList<string> Names<TEnum>()
        where TEnum : struct, Enum => EnumNames<TEnum>.All;

    private static class EnumNames<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly IReadOnlyList<string> All;
        public static readonly FrozenDictionary<TEnum, string> ToWire;
        public static readonly FrozenDictionary<string, TEnum> FromWire;

        static EnumNames()
        {
            var toWire = new Dictionary<TEnum, string>();
            var fromWire = new Dictionary<string, TEnum>(StringComparer.Ordinal);
            var all = new List<string>();
            foreach (var name in Enum.GetNames<TEnum>())
            {
                var value = Enum.Parse<TEnum>(name);
                var wire = ToSnake(name);
                all.Add(wire);
                fromWire[wire] = value;
                toWire.TryAdd(value, wire);
            }

            All = all.AsReadOnly();
            ToWire = toWire.ToFrozenDictionary();
            FromWire = fromWire.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }
}
