namespace Flint.Abstractions;

/// <summary>A page of results from a grain-held list (e.g. inventory history).</summary>
[GenerateSerializer, Alias("flint.page`1")]
public sealed record Page<T>([property: Id(0)] IReadOnlyList<T> Items, [property: Id(1)] string? NextPageToken);

/// <summary>The body of an action that takes no fields (pause, resume, roll a secret): an empty object, or no body.</summary>
public sealed class EmptyRequest;
