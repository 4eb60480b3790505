using Flint.Domain;

namespace Flint.Abstractions;

/// <summary>The one error that crosses grain boundaries. Domain code throws <see cref="DomainException"/>
/// (no Orleans there); a grain call filter turns it into this serializable twin so the API can map it.</summary>
[GenerateSerializer, Alias("flint.error")]
public sealed class FlintException : Exception
{
    public FlintException(DomainErrorKind kind, string code, string message, string? param = null) : base(message)
    {
        KindValue = (int)kind;
        Code = code;
        Param = param;
    }

    // Kept as a number so the domain enum needs no Orleans attributes.
    [Id(0)] public int KindValue { get; init; }
    public DomainErrorKind Kind => (DomainErrorKind)KindValue;
    [Id(1)] public string Code { get; init; }
    [Id(2)] public string? Param { get; init; }
    [Id(3)] public string? DeclineCode { get; init; }

    public static FlintException From(DomainException e) => new(e.Kind, e.Code, e.Message, e.Param) { DeclineCode = e.DeclineCode };
}
