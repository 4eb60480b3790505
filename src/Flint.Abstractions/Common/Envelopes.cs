namespace Flint.Abstractions;

/// <summary>A page of results from a grain-held list (e.g. inventory history).</summary>
[GenerateSerializer, Alias("flint.page`1")]
public sealed record Page<T>([property: Id(0)] IReadOnlyList<T> Items, [property: Id(1)] string? NextPageToken);
