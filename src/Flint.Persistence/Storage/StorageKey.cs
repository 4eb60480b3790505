using System.Text;

namespace Flint.Persistence.Storage;


/// <summary>Where a grain state lives in orleans_storage (see the header of deploy/sql/003_orleans_persistence.sql).
/// The split of the grain id is the one of Orleans' ADO.NET grain storage, so rows it wrote are found.</summary>
internal readonly record struct StorageKey(string GrainType, long N0, long N1, string IdString, int IdHash, int TypeHash)
    : IComparable<StorageKey>
{
    public static StorageKey Of(string stateName, GrainId grainId)
    {
        long n0 = 0, n1 = 0;
        string? id;
        if (grainId.TryGetGuidKey(out var guid, out var extension))
        {
            Span<byte> bytes = stackalloc byte[16];
            guid.TryWriteBytes(bytes);
            n0 = BitConverter.ToInt64(bytes[..8]);
            n1 = BitConverter.ToInt64(bytes[8..]);
            id = extension;
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            id = extension;
        }
        else
        {
            id = grainId.Key.ToString();
        }
        return new StorageKey(stateName, n0, n1, id ?? "", unchecked((int)grainId.GetUniformHashCode()), Fnv1a(stateName));
    }

    public int CompareTo(StorageKey other)
    {
        var c = string.CompareOrdinal(GrainType, other.GrainType);
        if (c == 0) c = string.CompareOrdinal(IdString, other.IdString);
        if (c == 0) c = N0.CompareTo(other.N0);
        if (c == 0) c = N1.CompareTo(other.N1);
        return c;
    }

    private static int Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return unchecked((int)hash);
    }
}
