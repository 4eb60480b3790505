using System.Globalization;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Tax;
using Flint.Api.Tests.Infrastructure;
using Flint.Client;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Client;

/// <summary>
/// The .NET client as a developer gets it: <c>dotnet pack</c> makes Flint.Client's package (with Flint's contract
/// assemblies inside it), a new console project outside this repository installs it from that package alone (plus what
/// NuGet serves), and runs the product page's calls against a real Flint, printing the amounts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ClientPackageTests(ApiFixture f, ITestOutputHelper output)
{
    [Fact]
    public async Task The_packed_client_installs_into_a_new_project_and_runs_the_product_pages_calls()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Package"));
        using (var setup = new FlintClient(new HttpClient(), new FlintClientOptions { ApiKey = api.Key!, BaseUrl = f.Host.BaseAddress }))
        {
            await setup.TaxRates.CreateAsync(new TaxRateRequest { Name = "Sales tax", Percentage = "9", Jurisdiction = new JurisdictionInput { Country = "US" } });
            await setup.Coupons.CreateAsync(new CouponRequest { Code = "SPRING20", DiscountType = "percentage", PercentOff = "20" });
        }

        var work = Directory.CreateTempSubdirectory("flint-client-package-").FullName;
        // A version of its own: NuGet's cache never answers with an older build of the same version.
        var version = "0.1.0-test" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = Path.Combine(work, "feed");
        var limit = TimeSpan.FromMinutes(4);
        await ToolRuns.Run(output, ToolRuns.RepositoryRoot(), ToolRuns.Dotnet,
            ["pack", "src/Flint.Client/Flint.Client.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo"], null, limit);

        var app = Directory.CreateDirectory(Path.Combine(work, "shop")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "shop.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup><PackageReference Include="Flint.Client" Version="{version}" /></ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="flint-local" value="{feed}" /></packageSources></configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Flint.Abstractions;
            using Flint.Abstractions.Orders;
            using Flint.Abstractions.Payments;
            using Flint.Abstractions.Tax;
            using Flint.Client;

            using var flint = new FlintClient(args[1], args[0]);
            var item = await flint.Items.CreateAsync(new CreateItemRequest { Name = "Organic Coffee Beans", UnitPriceMoney = new MoneyInput { Amount = 1999, Currency = "USD" }, Sku = "BEANS-" + Guid.NewGuid().ToString("N")[..8], InventoryCount = 10 });
            var order = await flint.Orders.CreateAsync(new CreateOrderRequest { LineItems = [new LineItemInput { VariantId = item.VariantId, Quantity = 2 }], TaxLocation = new TaxLocationInput { Country = "US" } });
            var discounted = await flint.Orders.ApplyCouponAsync(order.OrderId!, new ApplyCouponRequest { CouponCode = "SPRING20" });
            var paid = await flint.Orders.PayAsync(order.OrderId!, new PayOrderRequest { PaymentSourceTokens = ["tok_visa"], BuyerEmail = "ada@example.com" });
            Console.WriteLine($"{order.NetAmounts.SubtotalMoney.Amount} {discounted.NetAmounts.DiscountMoney.Amount} {discounted.NetAmounts.TaxMoney.Amount} {paid.Order.NetAmounts.TotalMoney.Amount} {paid.Order.Status}");
            """);

        var printed = await ToolRuns.Run(output, app, ToolRuns.Dotnet, ["run", "-c", "Release", "--", f.Host.BaseAddress.ToString(), api.Key!], null, limit);
        Assert.Equal("3998 800 288 3486 paid", printed.Trim().Split('\n')[^1].Trim());
        Directory.Delete(work, recursive: true);
    }
}
