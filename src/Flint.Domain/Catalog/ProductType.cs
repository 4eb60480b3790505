namespace Flint.Domain.Catalog;

/// <summary>What a product is; wire form snake_case (<c>physical</c>, <c>service</c>, …) via <see cref="SnakeCase"/>.</summary>
public enum ProductType
{
    Physical,
    Service,
    Fee,
    Digital,
}
